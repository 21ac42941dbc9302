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


# --- learning-rate schedules (chapter 9) ---------------------------------------------------------

from nnlib.callbacks import LearningRateSchedule, exponential_decay, step_decay  # noqa: E402


def test_step_and_exponential_decay_give_the_documented_rates():
    step = step_decay(0.1, factor=0.5, every=10)
    assert [step(e) for e in (0, 9, 10, 19, 20, 25)] == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    expo = exponential_decay(0.2, rate=0.9)
    assert np.allclose([expo(e) for e in range(4)], [0.2, 0.18, 0.162, 0.1458], rtol=0, atol=1e-15)
    assert step_decay(0.1, factor=1.0, every=3)(100) == 0.1     # factor 1: a constant rate


@pytest.mark.parametrize("call, message", [
    (lambda: step_decay(0.0), "lr0 must be a finite number > 0"),
    (lambda: step_decay(0.1, factor=1.5), "factor must satisfy 0 < factor <= 1"),
    (lambda: step_decay(0.1, factor=0.0), "factor must be a finite number > 0"),
    (lambda: step_decay(0.1, every=0), "every must be an integer >= 1"),
    (lambda: exponential_decay(0.1, rate=2.0), "rate must satisfy 0 < rate <= 1"),
    (lambda: exponential_decay(float("nan"), rate=0.5), "lr0 must be a finite number > 0"),
    (lambda: step_decay(0.1)(-1), "epoch must be an integer >= 0"),
])
def test_schedules_refuse_bad_settings(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_callback_sets_the_rate_of_every_epoch_during_training():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(20, 2)), rng.normal(size=(20, 1))
    net = nn.mlp([2, 3, 1], hidden="tanh", output="linear", rng=rng)
    opt = nn.SGD(net.parameters(), lr=1.0)           # replaced by the schedule's rate of epoch 0
    seen = []
    schedule = LearningRateSchedule(opt, step_decay(0.1, factor=0.5, every=2))
    assert opt.lr == 0.1

    def both(epoch, history):
        seen.append(opt.lr)                           # the rate this epoch was trained with
        return schedule(epoch, history)

    nn.train(net, nn.MSE(), opt, X, Y, epochs=5, callback=both)
    assert seen == [0.1, 0.1, 0.05, 0.05, 0.025]
    assert schedule.rates == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]   # and the next epoch's, set after the last


def test_the_callback_refuses_bad_optimisers_schedules_and_rates():
    with pytest.raises(TypeError, match="optimizer must be an nnlib optimiser"):
        LearningRateSchedule(object(), step_decay(0.1))
    opt = nn.SGD([nn.Parameter("w", np.zeros(1))], lr=0.1)
    with pytest.raises(TypeError, match="schedule must be a function"):
        LearningRateSchedule(opt, 0.1)
    with pytest.raises(ValueError, match="gave the learning rate -1.0 for epoch 0"):
        LearningRateSchedule(opt, lambda epoch: -1.0)
