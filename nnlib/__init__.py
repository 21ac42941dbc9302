"""nnlib: the small numpy neural-network library of the book.

    import nnlib as nn
    net = nn.mlp([2, 4, 1], rng=np.random.default_rng(0))

The numeric core (the names listed below) uses numpy only. Plotting (``nnlib.plots``),
explorers (``nnlib.explorers``) and grading (``nnlib.grade``) import matplotlib,
ipywidgets and nbval themselves.

Each name is imported from its module the first time it is used (PEP 562), so that
``python -m nnlib.grade`` and ``python -m nnlib.exercises`` start without loading numpy.
``nn.Dense`` is ``nnlib.layers.Dense``, and so on: the table says where each name lives.
"""

import importlib

__version__ = "0.1.0"

#: module -> the names it gives the package
_EXPORTS = {
    "activations": ["log_softmax", "relu", "sigmoid", "softmax", "softmax_jacobian", "step", "tanh"],
    "gradcheck": ["check_layer", "check_loss", "check_network", "numerical_gradient", "relative_error"],
    "layers": ["Activation", "Dense", "Dropout", "Layer", "LeakyReLU", "Linear", "ReLU", "Sigmoid",
               "Softmax", "Step", "Tanh"],
    "losses": ["BCE", "CCE", "MAE", "MSE", "BinaryCrossEntropy", "CategoricalCrossEntropy", "Hinge",
               "Huber", "Loss", "MeanAbsoluteError", "MeanSquaredError", "PerceptronLoss",
               "SparseCategoricalCrossEntropy", "SparseCCE"],
    "network": ["Sequential", "count_parameters", "mlp"],
    "optimizers": ["SGD", "Adam", "Momentum", "Optimizer", "RMSProp", "clip_gradient_norm"],
    "parameter": ["Parameter"],
    "perceptron": ["Perceptron"],
    "serialization": ["load", "save"],
    "training": ["History", "TrainingDivergedError", "train", "train_step"],
}
_HOME = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_HOME)


def __getattr__(name):
    """Import ``name`` on first use: one of the names above, or a submodule (``nn.datasets``)."""
    if name in _HOME:
        value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    else:
        try:
            value = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise  # the module exists but something it imports is missing
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value  # later uses find it directly
    return value


def __dir__():
    return sorted(set(globals()) | set(_HOME))
