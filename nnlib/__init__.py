"""nnlib: the small numpy neural-network library of the book.

The numeric core (everything importable from here) uses numpy only.
Plotting (``nnlib.plots``), widgets (``nnlib.widgets``) and grading
(``nnlib.grade``) import matplotlib, ipywidgets and nbformat/nbval themselves.
"""

from . import activations, datasets, examples, gradcheck, initializers
from .activations import log_softmax, relu, sigmoid, softmax, softmax_jacobian, step, tanh
from .gradcheck import check_layer, check_loss, check_network, numerical_gradient, relative_error
from .layers import (
    Activation, Dense, Dropout, Layer, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Step, Tanh,
)
from .losses import (
    BCE, CCE, MAE, MSE, BinaryCrossEntropy, CategoricalCrossEntropy, Hinge, Huber, Loss,
    MeanAbsoluteError, MeanSquaredError, PerceptronLoss, SparseCategoricalCrossEntropy, SparseCCE,
)
from .network import Sequential, count_parameters, mlp
from .optimizers import SGD, Adam, Momentum, Optimizer, RMSProp, clip_gradient_norm
from .parameter import Parameter
from .perceptron import Perceptron
from .training import History, TrainingDivergedError, train, train_step

__version__ = "0.1.0"
