"""Issue 16, state: divergence on every step, save/load/deepcopy/pickle resume exactly,
parameter handles stay live or fail loudly, evaluation mode, cached inputs, tanh's precision."""

import copy
import pickle
import warnings

import numpy as np
import pytest

import nnlib as nn


def make(seed=0, optimizer="adam"):
    rng = np.random.default_rng(seed)
    net = nn.mlp([2, 5, 1], hidden="tanh", output="sigmoid", rng=rng)
    opt = {"adam": lambda p: nn.Adam(p, lr=0.05), "sgd": lambda p: nn.SGD(p, lr=0.5),
           "momentum": lambda p: nn.Momentum(p, lr=0.1), "rmsprop": lambda p: nn.RMSProp(p, lr=0.01)}[optimizer](
        net.parameters())
    return net, opt


def data():
    return nn.datasets.xor_blobs(64, np.random.default_rng(5))


def run(net, opt, epochs):
    X, Y = data()
    nn.train(net, nn.BCE(), opt, X, Y, epochs=epochs, batch_size=16, shuffle=False)


def values(net):
    return [p.value.copy() for p in net.parameters()]


# --- divergence ---------------------------------------------------------------------------

@pytest.mark.parametrize("output, loss", [("linear", nn.MSE()), ("sigmoid", nn.BCE())])
def test_divergence_on_the_last_step_is_caught_without_a_warning(output, loss):
    # one epoch of one step: the loss is finite, the update takes the weights to inf
    X, Y = nn.datasets.truth_table("or")
    X, Y = 10.0 * X, (1e3 * Y if output == "linear" else 1.0 - Y)
    net = nn.mlp([2, 1], output=output, init="zeros")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning on the way fails the test
        with pytest.raises(nn.TrainingDivergedError, match=r"SGD: step 1 made parameters NaN or inf") as info:
            nn.train(net, loss, nn.SGD(net.parameters(), lr=1e308), X, Y, epochs=1)
    assert "nan" not in str(info.value).lower().replace("nan or inf", "")


XOR = np.array([[0.0, 0], [0, 1], [1, 0], [1, 1]]), np.array([[0.0], [1], [1], [0]])
DIVERGING = {  # name: (make the network from rng, loss, targets for XOR's inputs)
    "mlp sigmoid + BCE": (lambda rng: nn.mlp([2, 4, 1], rng=rng), nn.BCE(), XOR[1]),
    "Dense + Sigmoid + BCE": (lambda rng: nn.Sequential([nn.Dense(2, 1, rng=rng), nn.Sigmoid()]),
                              nn.BCE(), XOR[1]),
    "tanh hidden, linear + MSE": (lambda rng: nn.mlp([2, 4, 1], hidden="tanh", output="linear", rng=rng),
                                  nn.MSE(), XOR[1]),
    "tanh hidden, softmax + CCE": (lambda rng: nn.mlp([2, 4, 2], hidden="tanh", output="softmax", rng=rng),
                                   nn.CCE(), np.hstack([1 - XOR[1], XOR[1]])),
    "relu hidden, sigmoid + BCE": (lambda rng: nn.mlp([2, 4, 1], hidden="relu", rng=rng), nn.BCE(), XOR[1]),
    "relu hidden, linear + MSE": (lambda rng: nn.mlp([2, 4, 1], hidden="relu", output="linear", rng=rng),
                                  nn.MSE(), XOR[1]),
}


@pytest.mark.parametrize("optimizer", [nn.SGD, nn.Momentum, nn.RMSProp, nn.Adam])
@pytest.mark.parametrize("case", sorted(DIVERGING))
@pytest.mark.parametrize("epochs", [1, 3])
def test_divergence_that_stays_finite_is_caught(case, optimizer, epochs):
    # at lr=1e308 a saturating output (sigmoid, softmax) takes the weights to ~1e306 and stays
    # there: the clipped loss is finite, the gradient vanishes, nothing ever becomes inf
    make_net, loss, Y = DIVERGING[case]
    net = make_net(np.random.default_rng(0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(nn.TrainingDivergedError, match=r"lr=1e\+308") as info:
            nn.train(net, loss, optimizer(net.parameters(), lr=1e308), XOR[0], Y, epochs=epochs)
    assert "step 1" in str(info.value) or "loss became" in str(info.value)


def test_the_norm_bound_is_where_squares_overflow_and_says_so():
    assert nn.optimizers.MAX_NORM == pytest.approx(1.3407807929942596e154)

    def one_weight(w, lr):  # L = (w x - y)^2 with x = 1, y = 0: dL/dw = 2 w
        net = nn.Sequential([nn.Dense(1, 1, weights=np.array([[w]]), bias=np.zeros((1, 1)))])
        return net, nn.SGD(net.parameters(), lr=lr)

    X, Y = np.ones((1, 1)), np.zeros((1, 1))
    net, opt = one_weight(-1e150, 1.0)
    nn.train_step(net, nn.MSE(), opt, X, Y)  # w <- w - 2 w = 1e150: huge, but its square is a float64
    assert net.layers[0].W.value[0, 0] == 1e150
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net, opt = one_weight(-1e154, 1.5)  # loss 1e308 (finite); the step takes w to 2e154, b to 3e154
        with pytest.raises(nn.TrainingDivergedError,
                           match=r"SGD: step 1 made the parameters' norm exceed 1.3e\+154 \(the largest is 3e\+154"):
            nn.train_step(net, nn.MSE(), opt, X, Y)


def test_a_step_by_hand_checks_only_for_nan_and_inf():
    # a hand-written loop (chapter 10) decides itself what to do with huge finite weights
    p = nn.Parameter("w", np.array([1.0, 0.0]))
    opt = nn.SGD([p], lr=1.0)
    p.grad = np.array([-1e160, 0.0])
    opt.step()
    assert p.value[0] == 1e160
    p.grad = np.array([-1e308, 0.0])
    opt.lr = 10.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(nn.TrainingDivergedError, match="SGD: step 2 made parameters NaN or inf"):
            opt.step()


def test_a_sane_run_never_comes_near_the_bound():
    net = nn.mlp([2, 4, 1], rng=np.random.default_rng(0))
    nn.train(net, nn.BCE(), nn.SGD(net.parameters(), lr=5.0), *XOR, epochs=500)
    assert max(float(np.max(np.abs(p.value))) for p in net.parameters()) < 1e3


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop"])
def test_huge_gradients_overflow_loudly_not_silently(optimizer):
    net, opt = make(optimizer=optimizer)
    for p in net.parameters():
        p.grad = np.full(p.shape, 1e200)  # g * g overflows: the step would silently be 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(nn.TrainingDivergedError, match=type(opt).__name__ + ": step 1 overflowed"):
            opt.step()


def test_momentum_takes_huge_gradients_and_refuses_overflowing_ones():
    net, _ = make()
    opt = nn.Momentum(net.parameters(), lr=100.0)
    for p in net.parameters():
        p.grad = np.full(p.shape, 1e200)
    opt.step()  # no square: 1e200 (where Adam's g * g overflows) is a finite step
    assert all(np.all(np.isfinite(p.value)) for p in net.parameters())
    for p in net.parameters():
        p.grad = np.full(p.shape, 1e308)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(nn.TrainingDivergedError, match="Momentum: step 2 made parameters NaN or inf"):
            opt.step()


def test_clip_gradient_norm_scales_before_squaring_and_refuses_nan():
    p = nn.Parameter("w", np.zeros(4))
    p.grad = np.full(4, 1e200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        norm = nn.clip_gradient_norm([p], 1.0)
    assert norm == pytest.approx(2e200)
    assert np.allclose(p.grad, 0.5)
    with pytest.raises(ValueError, match="Parameter 'w': grad contains NaN"):
        p.grad = np.array([np.nan, 0, 0, 0])
    p._grad[0] = np.nan  # written by a broken backward, behind the setter's back
    with pytest.raises(ValueError, match=r"clip_gradient_norm: the gradient of 'w' contains NaN"):
        nn.clip_gradient_norm([p], 1.0)


# --- save / load, deepcopy, pickle ----------------------------------------------------------

@pytest.mark.parametrize("optimizer", ["adam", "sgd", "momentum", "rmsprop"])
def test_save_and_load_resume_training_bit_for_bit(tmp_path, optimizer):
    net, opt = make(optimizer=optimizer)
    run(net, opt, 6)
    straight = values(net)

    net, opt = make(optimizer=optimizer)
    run(net, opt, 3)
    nn.save(tmp_path / "run.npz", net, opt)
    fresh, fresh_opt = make(seed=99, optimizer=optimizer)  # other weights, same architecture
    nn.load(tmp_path / "run.npz", fresh, fresh_opt)
    assert fresh_opt.t == opt.t
    run(fresh, fresh_opt, 3)
    assert all(np.array_equal(a, b) for a, b in zip(values(fresh), straight))


def test_the_saved_file_is_plain_named_arrays(tmp_path):
    net, opt = make()
    nn.save(tmp_path / "run.npz", net, opt)
    with np.load(tmp_path / "run.npz", allow_pickle=False) as data:
        names = sorted(data.files)
    assert "parameter/0/Dense(2->5).W" in names and "optimizer/m" in names and "optimizer/t" in names


def test_loading_refuses_another_architecture_or_optimiser(tmp_path):
    net, opt = make()
    nn.save(tmp_path / "run.npz", net, opt)
    other = nn.mlp([2, 4, 1], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="load: the file's parameters"):
        nn.load(tmp_path / "run.npz", other)
    net2, sgd = make(optimizer="sgd")
    with pytest.raises(ValueError, match="Adam optimiser, got a SGD"):
        nn.load(tmp_path / "run.npz", net2, sgd)


def make_dropout(seed, bit_generator=np.random.PCG64):
    """Dropout at the top level and inside a Residual block, BatchNorm inside it too."""
    from nnlib.normalization import BatchNorm
    from nnlib.residual import Residual

    rng = np.random.default_rng(seed)
    gen = lambda: np.random.Generator(bit_generator(rng.integers(2**32)))  # noqa: E731
    net = nn.Sequential([nn.Dense(2, 8, rng=rng), nn.Tanh(), nn.Dropout(0.3, rng=gen()),
                         Residual([nn.Dense(8, 8, rng=rng), nn.Tanh(), nn.Dropout(0.2, rng=gen()),
                                   BatchNorm(8)]),
                         nn.Dense(8, 1, rng=rng), nn.Sigmoid()])
    return net, nn.Adam(net.parameters(), lr=0.02)


def dropout_state(net):
    block = net.layers[3]
    return [net.layers[2].rng.bit_generator.state, block.layers[2].rng.bit_generator.state,
            block.layers[3].running_mean.copy(), block.layers[3].running_var.copy()]


def test_save_and_load_resume_training_with_dropout_bit_for_bit(tmp_path):
    net, opt = make_dropout(0)
    run(net, opt, 6)
    straight, straight_state = values(net), dropout_state(net)

    net, opt = make_dropout(0)
    run(net, opt, 3)
    nn.save(tmp_path / "run.npz", net, opt)
    fresh, fresh_opt = make_dropout(7)  # other weights and other generator seeds
    nn.load(tmp_path / "run.npz", fresh, fresh_opt)
    assert [np.array_equal(a, b) for a, b in zip(dropout_state(fresh)[2:], dropout_state(net)[2:])] == [True] * 2
    assert dropout_state(fresh)[:2] == dropout_state(net)[:2]
    run(fresh, fresh_opt, 3)
    assert all(np.array_equal(a, b) for a, b in zip(values(fresh), straight))
    state = dropout_state(fresh)
    assert state[:2] == straight_state[:2]
    assert np.array_equal(state[2], straight_state[2]) and np.array_equal(state[3], straight_state[3])

    # the generators matter: loaded again but with the nested one reseeded, the run differs
    other, other_opt = make_dropout(7)
    nn.load(tmp_path / "run.npz", other, other_opt)
    other.layers[3].layers[2].rng = np.random.default_rng(123)
    run(other, other_opt, 3)
    assert not all(np.array_equal(a, b) for a, b in zip(values(other), straight))


def test_generator_states_are_json_strings_not_pickles(tmp_path):
    import json

    net, opt = make_dropout(0)
    nn.save(tmp_path / "run.npz", net, opt)
    with np.load(tmp_path / "run.npz", allow_pickle=False) as data:
        keys = sorted(k for k in data.files if not k.startswith(("parameter/", "optimizer/")))
        state = json.loads(data["rng/2/Dropout(0.3)"].item())
        assert data["rng/2/Dropout(0.3)"].dtype.kind == "U"
    assert keys == ["buffer/3.3/BatchNorm(8).running_mean", "buffer/3.3/BatchNorm(8).running_var",
                    "rng/2/Dropout(0.3)", "rng/3.2/Dropout(0.2)"]
    assert state["bit_generator"] == "PCG64"


@pytest.mark.parametrize("bit_generator", [np.random.MT19937, np.random.Philox, np.random.SFC64])
def test_other_bit_generators_round_trip(tmp_path, bit_generator):
    net, opt = make_dropout(0, bit_generator)
    run(net, opt, 1)
    nn.save(tmp_path / "run.npz", net, opt)
    fresh, fresh_opt = make_dropout(7, bit_generator)
    nn.load(tmp_path / "run.npz", fresh, fresh_opt)
    assert fresh.layers[2].rng.random(5).tolist() == net.layers[2].rng.random(5).tolist()


def test_loading_checks_the_generators_and_statistics(tmp_path):
    net, opt = make_dropout(0)
    nn.save(tmp_path / "run.npz", net, opt)
    mt, mt_opt = make_dropout(0, np.random.MT19937)
    before = values(mt)
    with pytest.raises(ValueError, match=r"load: rng/2/Dropout\(0.3\) holds the state of a PCG64 generator, "
                                         r"but Dropout\(0.3\)'s rng uses MT19937"):
        nn.load(tmp_path / "run.npz", mt, mt_opt)
    assert all(np.array_equal(a, b) for a, b in zip(values(mt), before))  # nothing was loaded

    arrays = nn.serialization.state(net, opt)
    for key, bad, message in [("rng/2/Dropout(0.3)", np.array("{not json"), "does not hold a generator state in JSON"),
                              ("rng/2/Dropout(0.3)", np.array(3.0), "must be a 0-d string array"),
                              ("rng/2/Dropout(0.3)", np.array('{"bit_generator": "PCG64", "state": 1}'),
                               "holds an invalid PCG64 state"),
                              ("buffer/3.3/BatchNorm(8).running_var", np.ones((1, 3)), "has shape \\(1, 3\\)")]:
        broken = dict(arrays, **{key: bad})
        with pytest.raises(ValueError, match=message):
            nn.serialization.load_state(broken, make_dropout(1)[0])

    missing = {k: v for k, v in arrays.items() if not k.startswith("rng/3.2")}
    with pytest.raises(ValueError, match=r"it lacks \['rng/3.2/Dropout\(0.2\)'\]"):
        nn.serialization.load_state(missing, make_dropout(1)[0])
    plain, _ = make()
    with pytest.raises(ValueError, match=r"it has \['rng/2/Dropout\(0.3\)'\]"):
        nn.serialization.load_state(dict(nn.serialization.state(plain), **{"rng/2/Dropout(0.3)": arrays["rng/2/Dropout(0.3)"]}), plain)


@pytest.mark.parametrize("clone", [copy.deepcopy, lambda obj: pickle.loads(pickle.dumps(obj))],
                         ids=["deepcopy", "pickle"])
def test_copied_network_and_optimiser_resume_exactly(clone):
    net, opt = make()
    run(net, opt, 2)
    net2, opt2 = clone((net, opt))
    run(net, opt, 2)
    before = values(net2)
    run(net2, opt2, 2)
    assert not all(np.array_equal(a, b) for a, b in zip(values(net2), before))  # it does train
    assert all(np.array_equal(a, b) for a, b in zip(values(net2), values(net)))


def test_leaky_relu_pickles_and_a_copy_keeps_its_own_alpha():
    layer = nn.LeakyReLU(0.2)
    clone = pickle.loads(pickle.dumps(layer))
    deep = copy.deepcopy(layer)
    layer.alpha = 0.5
    z = np.array([[-1.0, 2.0]])
    assert clone.forward(z).tolist() == [[-0.2, 2.0]]
    assert deep.forward(z).tolist() == [[-0.2, 2.0]]
    assert layer.forward(z).tolist() == [[-0.5, 2.0]]


# --- parameter handles ------------------------------------------------------------------------

def test_a_handle_taken_before_the_optimiser_stays_live():
    net = nn.mlp([2, 3, 1], rng=np.random.default_rng(0))
    W = net.layers[0].W.value
    opt = nn.SGD(net.parameters(), lr=0.5)
    X, Y = nn.datasets.truth_table("xor")
    start = W.copy()
    nn.train(net, nn.MSE(), opt, X, Y, epochs=3)
    assert W is net.layers[0].W.value
    assert not np.array_equal(W, start)


def test_assigning_p_value_copies_into_the_live_storage_and_refuses_a_wrong_shape():
    net = nn.mlp([2, 3, 1], rng=np.random.default_rng(0))
    opt = nn.SGD(net.parameters(), lr=0.5)
    dense = net.layers[0]
    handle = dense.W.value
    dense.W.value = np.full((2, 3), 2.0)
    assert handle is dense.W.value and np.all(handle == 2.0)
    X, Y = nn.datasets.truth_table("xor")
    nn.train(net, nn.MSE(), opt, X, Y, epochs=1)
    assert not np.all(dense.W.value == 2.0)  # the optimiser updated the values assigned
    with pytest.raises(ValueError, match=r"Parameter 'b': value must keep the shape \(1, 3\), got shape \(4, 4\)"):
        dense.b.value = np.zeros((4, 4))
    with pytest.raises(TypeError, match="real numbers, got dtype complex128"):
        dense.b.value = np.zeros((1, 3), complex)


def test_parameters_not_side_by_side_still_train_the_same():
    a = nn.Parameter("a", np.array([1.0, 2.0]))
    other = nn.Parameter("x", np.zeros(3))  # in between: a and b are not side by side
    b = nn.Parameter("b", np.array([3.0]))
    opt = nn.SGD([b, a], lr=0.5)
    assert opt._copying and other.size == 3
    a.grad, b.grad = np.array([1.0, -1.0]), np.array([2.0])
    opt.step()
    assert a.value.tolist() == [0.5, 2.5] and b.value.tolist() == [2.0]


def test_train_refuses_an_optimiser_that_does_not_own_the_networks_parameters():
    X, Y = nn.datasets.truth_table("xor")
    net = nn.mlp([2, 3, 1], rng=np.random.default_rng(0))
    other = nn.mlp([2, 3, 1], rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match="optimizer does not update the network's parameter"):
        nn.train(net, nn.MSE(), nn.SGD(other.parameters(), lr=0.1), X, Y, epochs=1)
    opt = nn.SGD(net.parameters(), lr=0.1)
    net.layers[0].W = nn.Parameter("W", np.zeros((2, 3)))
    with pytest.raises(ValueError, match="optimizer does not update.*Parameter\\('W'"):
        nn.train(net, nn.MSE(), opt, X, Y, epochs=1)


# --- evaluation mode, cached inputs, precision -------------------------------------------------

def test_predict_keeps_evaluation_mode_once_set():
    rng = np.random.default_rng(0)
    net = nn.Sequential([nn.Dense(3, 3, rng=rng), nn.Dropout(0.5, rng)])
    net.set_training(False)
    X = np.ones((4, 3))
    net.predict(X)
    assert net.layers[1].training is False
    assert np.array_equal(net.forward(X), net.forward(X))
    net.set_training(True)
    net.predict(X)
    assert net.layers[1].training is True


@pytest.mark.parametrize("via_network", [False, True])
def test_changing_x_after_forward_does_not_change_the_weight_gradient(via_network):
    rng = np.random.default_rng(0)
    dense = nn.Dense(3, 2, rng=rng)
    layer = nn.Sequential([dense]) if via_network else dense
    X, G = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    layer.forward(X)
    layer.backward(G)
    expected = dense.W.grad.copy()
    layer.forward(X)
    X *= 10.0
    layer.backward(G)
    assert np.array_equal(dense.W.grad, expected)


def test_tanh_backward_is_accurate_over_the_whole_range():
    z = np.array([[0.0, 1.0, 12.0, 15.0, 19.5, 30.0, -30.0, 300.0]])
    exact = 1.0 / np.cosh(z) ** 2  # no overflow below |z| = 710
    layer = nn.Tanh()
    layer.forward(z)
    got = layer.backward(np.ones_like(z))
    assert np.allclose(got, exact, rtol=1e-14, atol=0)
    assert got[0, -1] > 0  # sech^2(300) = 2.9e-260, not 0
    assert np.allclose(nn.activations.tanh_derivative(z), exact, rtol=1e-14, atol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nn.activations.tanh_derivative(np.array([1e4]))[0] == 0.0


def test_gradient_check_of_dropout_fixes_the_mask():
    rng = np.random.default_rng(0)
    errors = nn.check_layer(nn.Dropout(0.5, np.random.default_rng(1)), rng.normal(size=(4, 3)), rng)
    assert errors["input"] < 1e-7
    net = nn.Sequential([nn.Dense(3, 4, rng=rng), nn.Dropout(0.3, rng), nn.Dense(4, 1, rng=rng)])
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 1))
    assert max(nn.check_network(net, nn.MSE(), X, Y).values()) < 1e-7


def residual_dropout_net(rng):
    from nnlib.residual import Residual

    return nn.Sequential([nn.Dense(3, 4, rng=rng), nn.Tanh(),
                          Residual([nn.Dense(4, 4, rng=rng), nn.Tanh(),
                                    Residual([nn.Dropout(0.5, np.random.default_rng(2)), nn.Dense(4, 4, rng=rng)]),
                                    nn.Dropout(0.4, np.random.default_rng(3))]),
                          nn.Dense(4, 4, rng=rng), nn.Tanh(), nn.Dense(4, 1, rng=rng)])


def test_gradient_check_fixes_dropout_masks_inside_residual_blocks():
    rng = np.random.default_rng(0)
    net = residual_dropout_net(rng)
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 1))
    assert not np.array_equal(net.forward(X), net.forward(X))  # in training mode: masks differ
    inner = net.layers[2].layers[3].rng.bit_generator.state
    errors = nn.check_network(net, nn.MSE(), X, Y)
    # every parameter has its own entry: the Dense(4->4) layers are told apart by their place
    assert list(errors) == ["Dense(3->4).W", "Dense(3->4).b",
                            "Dense(4->4).W [layer 2.0]", "Dense(4->4).b [layer 2.0]",
                            "Dense(4->4).W [layer 2.2.1]", "Dense(4->4).b [layer 2.2.1]",
                            "Dense(4->4).W [layer 3]", "Dense(4->4).b [layer 3]",
                            "Dense(4->1).W", "Dense(4->1).b"]
    assert max(errors.values()) < 1e-7
    assert net.layers[2].layers[3].rng.bit_generator.state == inner  # the generators are put back
    assert not np.array_equal(net.forward(X), net.forward(X))  # and draw fresh masks again

    block = net.layers[2]
    layer_errors = nn.check_layer(block, rng.normal(size=(5, 4)), rng)
    assert sorted(layer_errors) == ["W [layer 0]", "W [layer 2.1]", "b [layer 0]", "b [layer 2.1]", "input"]
    assert max(layer_errors.values()) < 1e-7
