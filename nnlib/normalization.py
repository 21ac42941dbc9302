"""Batch normalisation: standardise each feature over the batch, then scale and shift.

Chapter 10 (``book/10_vanishing_gradients.ipynb``) uses it as a remedy for
vanishing and exploding gradients: whatever the scale of the weights before it,
the layer's output has mean beta and standard deviation gamma, so a sigmoid or
tanh after it works near its steep middle.

For a batch X of shape (n, d), per feature j (training mode)::

    mu_j = mean_i X_ij,   var_j = mean_i (X_ij - mu_j)^2
    Xhat_ij = (X_ij - mu_j) / sqrt(var_j + eps)
    Y_ij = gamma_j Xhat_ij + beta_j                gamma, beta: (1, d)

Backward, given G = dL/dY (n, d)::

    dL/dgamma = sum_i G_ij Xhat_ij,   dL/dbeta = sum_i G_ij
    dL/dX_ij = gamma_j / sqrt(var_j + eps) * (G_ij - mean_i G_ij - Xhat_ij mean_i (G_ij Xhat_ij))

In evaluation mode the layer uses running averages of mu and var instead of the
batch's (updated in training as running <- momentum running + (1 - momentum) batch),
so one sample's prediction does not depend on the others in its batch.
"""

import numpy as np

from ._validation import as_batch, forward_done, fraction, layer_width, output_gradient, positive_number
from .layers import Layer
from .parameter import Parameter


class BatchNorm(Layer):
    """Batch normalisation over the batch axis for inputs X of shape (n, d), d = ``n_features``:
    Y = gamma Xhat + beta with Xhat = (X - mu) / sqrt(var + eps) (the formulas above)."""

    def __init__(self, n_features, momentum=0.9, eps=1e-5, name=None):
        super().__init__(name or f"BatchNorm({n_features})")
        self.n_features = layer_width(self.name, "n_features", n_features)
        self.momentum = fraction(self.name, "momentum", momentum)
        self.eps = positive_number(self.name, "eps", eps)
        self.gamma = Parameter("gamma", np.ones((1, self.n_features)))
        self.beta = Parameter("beta", np.zeros((1, self.n_features)))
        self.running_mean = np.zeros((1, self.n_features))
        self.running_var = np.ones((1, self.n_features))
        self._cache = None

    #: arrays kept besides the parameters, saved by ``nnlib.serialization``
    buffers = ("running_mean", "running_var")

    def parameters(self):
        return [self.gamma, self.beta]

    def forward(self, X):
        X = as_batch(self.name, "input X", X, self.n_features)
        if self.training:
            if X.shape[0] < 2:
                raise ValueError(
                    f"{self.name}: training mode needs a batch of at least 2 samples to estimate "
                    f"a variance, got {X.shape[0]}; use evaluation mode (net.predict) for one sample"
                )
            mean = X.mean(axis=0, keepdims=True)
            var = X.var(axis=0, keepdims=True)
            self.running_mean = self.momentum * self.running_mean + (1.0 - self.momentum) * mean
            self.running_var = self.momentum * self.running_var + (1.0 - self.momentum) * var
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        X_hat = (X - mean) * inv_std
        self._cache = (X_hat, inv_std, self.training)
        return self.gamma.value * X_hat + self.beta.value

    def backward(self, grad_output):
        forward_done(self.name, self._cache)
        X_hat, inv_std, training = self._cache
        G = output_gradient(self.name, grad_output, X_hat.shape)
        self.gamma.grad[...] = np.sum(G * X_hat, axis=0, keepdims=True)
        self.beta.grad[...] = np.sum(G, axis=0, keepdims=True)
        if not training:  # mean and var are constants in evaluation mode
            return G * self.gamma.value * inv_std
        return self.gamma.value * inv_std * (
            G - G.mean(axis=0, keepdims=True) - X_hat * np.mean(G * X_hat, axis=0, keepdims=True)
        )
