"""Every explorer the chapters show, built as its chapter builds it, and a driver that times it.

``chapter_explorers()`` returns {label: (build, moves)}: ``build()`` makes the explorer with its
chapter's data and settings (the data are re-created here with the chapters' seeds), and
``moves`` lists (control name, values) to drive it through. ``drive(explorer, moves)`` sets each
control to each value, as a reader moving it would, and returns the time of every update. It is
what ``python -m nnlib.bench --explorers`` reports and what the tests run (quickly).

Outside a kernel a widget's messages go nowhere (ipywidgets then uses a dummy comm that drops
them), so an update would be timed without its message. Explorers built inside ``kernel_comms()``
get a comm that does with every message what ipykernel's does, short of the socket: it builds the
message, signs and serializes it with a ``jupyter_client`` session and copies the image bytes into
the frames to send. An update is then timed until the image is ready to go to the front end.
"""

import contextlib
import time

import numpy as np

import nnlib as nn


class KernelComm:
    """Factory of comms that serialize each message as ipykernel does; counts what they send."""

    def __init__(self):
        from comm.base_comm import BaseComm
        from ipykernel.jsonutil import json_clean
        from jupyter_client.session import Session

        session = Session(key=b"nnlib-bench")     # signs each message (HMAC-SHA256), as a kernel does
        factory = self
        self.messages = self.bytes = 0

        class SerializingComm(BaseComm):
            def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
                content = json_clean(dict(data={} if data is None else data, comm_id=self.comm_id, **keys))
                msg = session.msg(msg_type, content=content, metadata=json_clean(metadata or {}))
                frames = session.serialize(msg, ident=self.topic)
                frames.extend(bytes(buffer) for buffer in buffers or ())   # zmq copies them into frames
                factory.messages += 1
                factory.bytes += sum(len(frame) for frame in frames)

        self.comm_class = SerializingComm

    def __call__(self, *args, **kwargs):
        return self.comm_class(*args, **kwargs)


@contextlib.contextmanager
def kernel_comms():
    """Inside the block, new widgets get comms that serialize their messages (see the module
    docstring); yields the ``KernelComm`` that counts the messages and bytes."""
    import comm

    factory = KernelComm()
    before = comm.create_comm
    comm.create_comm = factory
    try:
        yield factory
    finally:
        comm.create_comm = before


def _perceptron():
    from .perceptron import PerceptronExplorer

    rng = np.random.default_rng(7)
    X2 = np.vstack([rng.normal([1.5, 1.0], 0.7, size=(15, 2)), rng.normal([-1.0, -1.0], 0.7, size=(15, 2))])
    y2 = np.r_[np.ones(15, dtype=int), -np.ones(15, dtype=int)]
    return PerceptronExplorer(X2, y2, w1=1.0, w2=-1.0, b=0.0)


def _activation():
    from .activations import ActivationExplorer

    return ActivationExplorer()


def _loss():
    from .losses import LossExplorer

    return LossExplorer(name="huber", target=0.5, delta=1.0)


def _softmax():
    from .softmax import SoftmaxExplorer

    return SoftmaxExplorer(z=(2.0, 1.0, 0.1), temperature=1.0, target="1")


def _backprop_lr():
    from .backprop import LearningRateExplorer

    def regression_net():
        return nn.Sequential([nn.Dense(2, 2, weights=np.ones((2, 2))), nn.Linear(),
                              nn.Dense(2, 1, weights=np.ones((2, 1))), nn.Linear()])

    X_reg = np.array([[80.0, 8.0], [60.0, 9.0], [70.0, 5.0], [120.0, 7.0]])
    Y_reg = np.array([[3.0], [5.0], [8.0], [11.0]])
    Xs_reg = (X_reg - X_reg.mean(axis=0)) / X_reg.std(axis=0)
    return LearningRateExplorer(regression_net, nn.MSE(), Xs_reg, Y_reg, lr=0.01, epochs=60, log_lr_range=(-4, 0),
                                title="Regression example: loss per epoch")


def _optimizer_data():
    rng = np.random.default_rng(8)
    n = 100
    X_reg = rng.normal(size=(n, 2)) * np.array([1.0, 2.0])
    Y_reg = 1.5 * X_reg[:, :1] - 0.5 * X_reg[:, 1:] + 2.0 + rng.normal(0.0, 0.3, size=(n, 1))
    return X_reg, Y_reg


def _optimizer_lr():
    from .optimizers import LearningRateExplorer

    X_reg, Y_reg = _optimizer_data()
    return LearningRateExplorer(lambda: nn.Sequential([nn.Dense(2, 1, init="zeros"), nn.Linear()]),
                                nn.MSE(), X_reg, Y_reg, epochs=200, log10_lr=-1.0)


def _trajectory():
    from nnlib.chapters.surfaces import NarrowValley

    from .optimizers import TrajectoryExplorer

    return TrajectoryExplorer(NarrowValley(a=1.0, b=50.0), np.array([-5.0, 1.5]), steps=60)


def _gradient_norms():
    from .gradients import GradientNormExplorer

    X, Y = nn.datasets.moons(200, np.random.default_rng(0))
    return GradientNormExplorer(X, Y, depth=10, activation="sigmoid")


def _polynomial():
    from .training import PolynomialExplorer

    def true_function(x):
        return np.sin(np.pi * x)

    rng = np.random.default_rng(49)
    x_poly = rng.uniform(-1, 1, size=10)
    y_poly = true_function(x_poly) + 0.2 * rng.normal(size=10)
    x_val = rng.uniform(-1, 1, size=100)
    y_val = true_function(x_val) + 0.2 * rng.normal(size=100)
    return PolynomialExplorer(x_poly, y_poly, x_val, y_val, true_function, max_degree=9)


def _playground():
    from .playground import PlaygroundExplorer

    return PlaygroundExplorer()


def chapter_explorers():
    """{label: (build, moves)} for every explorer of the chapters; see the module docstring."""
    ticks = [("tick", [None] * 24)]
    return {
        "ch1 perceptron": (_perceptron, [("w1", np.linspace(-3, 3, 13)), ("w2", np.linspace(-3, 3, 13)),
                                         ("b", np.linspace(-6, 6, 13))]),
        "ch2 activation": (_activation, [("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear", "step",
                                                   "leaky_relu"]),
                                         ("alpha", np.linspace(0.0, 0.5, 11)),
                                         ("range", [(-5.0, 5.0), (-4.0, 4.0), (-2.0, 6.0), (-10.0, 10.0)])]),
        "ch4 loss": (_loss, [("name", ["mse", "mse_half", "mae", "huber", "bce", "hinge", "huber"]),
                             ("target", np.linspace(-2, 2, 11)), ("delta", np.linspace(0.1, 3.0, 11))]),
        "ch6 learning rate": (_backprop_lr, [("lr", 10.0 ** np.linspace(-4, 0, 11)),
                                             ("epochs", [60, 100, 200, 300])]),
        "ch7 softmax": (_softmax, [("z1", np.linspace(-5, 5, 11)), ("z2", np.linspace(-5, 5, 11)),
                                   ("temperature", 10.0 ** np.linspace(-1, 1, 9)),
                                   ("target", ["2", "3", "1"]), ("z3", np.linspace(-5, 5, 11))]),
        "ch8 playground (ticks)": (_playground, ticks + [("dataset", ["circles", "moons", "spiral", "xor"])]
                                   + [("hidden", ["8,8"])] + ticks),
        "ch9 learning rate": (_optimizer_lr, [("log10_lr", np.linspace(-3.0, 0.5, 15))]),
        "ch9 trajectory": (_trajectory, [("optimizer", ["SGD", "Momentum", "RMSProp", "Adam"]),
                                         ("lr", 10.0 ** np.linspace(-3, 0.5, 11)),
                                         ("beta", np.linspace(0.0, 0.99, 11))]),
        "ch10 gradient norm": (_gradient_norms, [("depth", [1, 5, 10, 20, 30, 40]),
                                                ("activation", ["tanh", "relu", "sigmoid"]),
                                                ("init", ["he", "xavier", "normal(std)"]),
                                                ("std", 10.0 ** np.linspace(-3, 1, 9))]),
        "ch11 polynomial": (_polynomial, [("degree", list(range(10))), ("regularise", [True]),
                                          ("log10_lam", np.linspace(-8, 1, 10))]),
    }


def drive(explorer, moves):
    """Move each control through its values; returns (seconds per update, seconds drawing per update).

    A move sets the widget's ``value`` (which runs the explorer's observer, the whole update a
    reader's drag triggers in the kernel); "tick" presses the playground's play control once.
    """
    totals, drawing = [], []
    for name, values in moves:
        for value in values:
            count = len(explorer.timings)
            start = time.perf_counter()
            if name == "tick":
                explorer.train_more()
            else:
                control = explorer.controls[name]
                control.value = type(control.value)(value) if not isinstance(control.value, tuple) else value
            elapsed = time.perf_counter() - start
            if len(explorer.timings) > count:        # the value changed, so the figure was redrawn
                totals.append(elapsed)
                drawing.append(explorer.timings[-1][1])
    return np.array(totals), np.array(drawing)
