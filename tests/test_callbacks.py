"""Tests of nnlib.callbacks.EarlyStopping (chapter 11)."""

import numpy as np
import pytest

import nnlib as nn
from nnlib.callbacks import EarlyStopping
from nnlib.training import History


class _FakeNet:
    """One parameter whose value we set by hand, to follow what EarlyStopping stores."""

    def __init__(self):
        self.p = nn.Parameter("W", np.zeros(2))

    def parameters(self):
        return [self.p]


def _feed(stopper, net, losses):
    history = History()
    for epoch, value in enumerate(losses):
        net.p.value[...] = epoch  # the "weights" of this epoch
        history.val_loss.append(value)
        if stopper(epoch, history):
            return epoch
    return None


def test_stops_after_patience_and_restores_best():
    net = _FakeNet()
    stopper = EarlyStopping(net, patience=3)
    stopped = _feed(stopper, net, [5.0, 4.0, 3.0, 3.5, 3.2, 3.1, 2.0])
    assert stopped == 5 and stopper.stopped_epoch == 5
    assert stopper.best_epoch == 2 and stopper.best_loss == 3.0
    assert net.p.value.tolist() == [2.0, 2.0]


def test_min_delta_and_no_restore():
    net = _FakeNet()
    stopper = EarlyStopping(net, patience=2, min_delta=0.5, restore_best=False)
    stopped = _feed(stopper, net, [5.0, 4.8, 4.7, 4.0])
    assert stopped == 2 and stopper.best_epoch == 0
    assert net.p.value.tolist() == [2.0, 2.0]  # not restored
    stopper.restore()
    assert net.p.value.tolist() == [0.0, 0.0]


def test_never_stops_on_improving_loss():
    net = _FakeNet()
    stopper = EarlyStopping(net, patience=1)
    assert _feed(stopper, net, [5.0, 4.0, 3.0, 2.0]) is None
    assert stopper.stopped_epoch is None and stopper.best_epoch == 3


def test_with_train_restores_the_best_validation_loss():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (8, 1))
    y = np.sin(3 * x) + 0.3 * rng.normal(size=x.shape)
    xv = rng.uniform(-1, 1, (50, 1))
    yv = np.sin(3 * xv) + 0.3 * rng.normal(size=xv.shape)
    net = nn.mlp([1, 30, 30, 1], hidden="tanh", output="linear", rng=rng)
    stopper = EarlyStopping(net, patience=30)
    h = nn.train(net, nn.MSE(), nn.Adam(net.parameters(), lr=0.02), x, y, epochs=2000,
                 validation=(xv, yv), callback=stopper)
    assert stopper.stopped_epoch is not None and len(h.val_loss) == stopper.stopped_epoch + 1
    assert stopper.best_loss == min(h.val_loss)
    assert nn.MSE()(net.predict(xv), yv) == pytest.approx(stopper.best_loss, rel=1e-12)


def test_errors():
    net = _FakeNet()
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(net, patience=0)
    with pytest.raises(TypeError, match="network"):
        EarlyStopping(object())
    with pytest.raises(ValueError, match="validation"):
        EarlyStopping(net)(0, History())
    with pytest.raises(RuntimeError, match="nothing to restore"):
        EarlyStopping(net).restore()
