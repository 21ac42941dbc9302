"""Pictures of softmax and its Jacobian (chapter 7: ``book/07_softmax_backprop.ipynb``)."""

import matplotlib.pyplot as plt
import numpy as np

from ..activations import softmax, softmax_jacobian


def plot_softmax_sweep(logits, index=0, values=None, ax=None, class_names=None):
    """softmax(z) as the logit z[index] sweeps ``values`` while the other logits stay fixed.

    logits: the base logit vector (K,). Each curve is one class's probability;
    the curves add up to 1 at every point.
    """
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim != 1 or not 0 <= index < z.size:
        raise ValueError(f"plot_softmax_sweep: logits must be 1-D and index in 0..{z.size - 1}, "
                         f"got shape {z.shape} and index {index}")
    values = np.linspace(-6, 6, 241) if values is None else np.asarray(values, dtype=np.float64)
    Z = np.tile(z, (values.size, 1))
    Z[:, index] = values
    S = softmax(Z)
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.6), layout="constrained")
    fig = ax.figure
    names = class_names or [f"class {k + 1}" for k in range(z.size)]
    for k in range(z.size):
        fixed = "" if k == index else f" ($z_{k + 1}$ = {z[k]:g})"
        ax.plot(values, S[:, k], linewidth=2, label=f"$s_{k + 1}$, {names[k]}{fixed}")
    ax.axhline(1.0, color="grey", linewidth=0.8, linestyle=":")
    ax.set_xlabel(f"logit $z_{index + 1}$")
    ax.set_ylabel("probability")
    ax.set_ylim(-0.02, 1.05)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=9, loc="center right")
    ax.set_title(f"softmax as $z_{index + 1}$ varies: the probabilities always sum to 1", fontsize=10)
    return fig


def plot_softmax_jacobian(logits, ax=None):
    """Heat map of the softmax Jacobian diag(s) - s s^T at ``logits``, each entry written in its cell."""
    z = np.asarray(logits, dtype=np.float64)
    J = softmax_jacobian(z)
    s = softmax(z)
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.8, 4.0), layout="constrained")
    fig = ax.figure
    limit = np.abs(J).max()
    image = ax.imshow(J, cmap="RdBu_r", vmin=-limit, vmax=limit)
    K = z.size
    for i in range(K):
        for j in range(K):
            ax.text(j, i, f"{J[i, j]:.3f}", ha="center", va="center", fontsize=10,
                    color="white" if abs(J[i, j]) > 0.6 * limit else "black")
    ticks = range(K)
    ax.set_xticks(ticks, [f"$z_{j + 1}$" for j in ticks])
    ax.set_yticks(ticks, [f"$s_{i + 1}$" for i in ticks])
    ax.set_xlabel("with respect to the logit $z_j$")
    ax.set_ylabel("softmax output $s_i$")
    ax.set_title("$\\partial s_i / \\partial z_j$ at s = (" + ", ".join(f"{v:.3f}" for v in s) + ")",
                 fontsize=10)
    fig.colorbar(image, ax=ax, shrink=0.85)
    return fig
