"""Issue 16, bad input: every public entry point either refuses a bad argument with a
ValueError/TypeError naming the object, what it expected and what it got, or returns a
finite result of the documented shape. Property-based (hypothesis) over generated bad
arrays and arguments, then every case the issue lists, one by one."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nnlib as nn
from nnlib import datasets, initializers, metrics

# np.asmatrix, one of the generated inputs, warns that np.matrix is not recommended: we know
pytestmark = pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")

# --- generated bad inputs ----------------------------------------------------------------------

FINITE = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
SPECIAL = st.sampled_from([np.nan, np.inf, -np.inf])  # (1e308: see test_the_checks_never_warn)


@st.composite
def arrays_of_2_columns(draw):
    """Mostly wrong (n, 2)-like inputs, sometimes right ones in another dtype."""
    n = draw(st.integers(0, 4))
    kind = draw(st.sampled_from(["good", "special", "int", "uint8", "int8", "bool", "float16", "complex",
                                 "object", "strings", "1d", "3d", "0d", "wide", "masked", "matrix",
                                 "ragged", "none", "scalar", "list"]))
    values = np.array(draw(st.lists(FINITE, min_size=2 * n, max_size=2 * n)), dtype=np.float64).reshape(n, 2)
    if kind == "good":
        return values
    if kind == "special":
        if n == 0:
            return values
        values.flat[draw(st.integers(0, values.size - 1))] = draw(SPECIAL)
        return values
    if kind in ("int", "uint8", "int8", "bool"):
        return np.array(draw(st.lists(st.integers(-128, 127), min_size=2 * n, max_size=2 * n))).reshape(n, 2).astype(
            {"int": np.int64, "uint8": np.uint8, "int8": np.int8, "bool": bool}[kind])
    if kind == "float16":
        return values.astype(np.float16)
    if kind == "complex":
        return values + 1j
    if kind == "object":
        return values.astype(object)
    if kind == "strings":
        return values.astype(str)
    if kind == "1d":
        return values.ravel()
    if kind == "3d":
        return values.reshape(1, n, 2)
    if kind == "0d":
        return np.array(1.5)
    if kind == "wide":
        return np.ones((max(n, 1), 3))
    if kind == "masked":
        return np.ma.masked_array(values, mask=np.zeros_like(values, dtype=bool))
    if kind == "matrix":
        return np.asmatrix(values) if n else values
    if kind == "ragged":
        return [[1.0, 2.0], [3.0]]
    if kind == "none":
        return None
    if kind == "scalar":
        return 3.0
    return values.tolist()


BAD_SCALARS = st.sampled_from([None, "10", "0.5", "False", "x", np.nan, np.inf, -np.inf, -1, 0, 2.5, True,
                               False, 1 + 2j, [1], object(), -0.5, 1e308])


def assert_clear(error, owner):
    """A clear error names its owner and says what it got."""
    message = str(error)
    owners = (owner,) if isinstance(owner, str) else owner
    assert any(name in message for name in owners), f"{owners!r} not named in: {message}"
    assert any(word in message for word in ("got", "contains", "must", "needs")), message


def outcome(call, owner, shape=None):
    """Run call(); a ValueError/TypeError must be clear, a result finite (and of ``shape``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning on the way is a failure too
        try:
            result = call()
        except (ValueError, TypeError) as error:
            assert_clear(error, owner)
            return None
    if isinstance(result, np.ndarray):
        assert type(result) is np.ndarray  # no matrix, no masked array
        assert result.dtype == np.float64 and np.all(np.isfinite(result))
        if shape is not None:
            assert result.shape == shape(result)
    elif isinstance(result, float):
        assert np.isfinite(result)
    return result


def rows(X):
    return np.asarray(X).shape[0] if isinstance(X, np.ndarray) and np.ndim(X) else None


LAYERS = {
    "Dense(2->3)": lambda: nn.Dense(2, 3, rng=np.random.default_rng(0)),
    "Sigmoid": nn.Sigmoid, "Tanh": nn.Tanh, "ReLU": nn.ReLU, "LeakyReLU(0.01)": nn.LeakyReLU,
    "Linear": nn.Linear, "Step": nn.Step, "Softmax": nn.Softmax,
    "Dropout(0.5)": lambda: nn.Dropout(0.5, np.random.default_rng(0)),
}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("owner", sorted(LAYERS))
@SETTINGS
@given(X=arrays_of_2_columns())
def test_layer_forward_and_backward_on_bad_arrays(owner, X):
    layer = LAYERS[owner]()
    out = outcome(lambda: layer.forward(X), owner)
    if out is not None:
        assert out.shape[0] == np.shape(X)[0]
        G = np.ones_like(out)
        outcome(lambda: layer.backward(G), owner, shape=lambda r: np.shape(X))


@pytest.mark.parametrize("first", ["Dense", "Sigmoid", "Dropout"])
@SETTINGS
@given(X=arrays_of_2_columns())
def test_network_checks_its_entry_whatever_its_first_layer(first, X):
    rng = np.random.default_rng(0)
    head = {"Dense": [], "Sigmoid": [nn.Sigmoid()], "Dropout": [nn.Dropout(0.2, rng)]}[first]
    net = nn.Sequential(head + [nn.Dense(2, 3, rng=rng), nn.Tanh(), nn.Dense(3, 1, rng=rng)])
    out = outcome(lambda: net.forward(X), "Sequential", shape=lambda r: (np.shape(X)[0], 1))
    if out is not None:
        outcome(lambda: net.backward(out), "Sequential" if False else "Dense(3->1)")


LOSSES = {
    "MeanSquaredError": (nn.MSE(), lambda n: np.zeros((n, 2))),
    "MeanAbsoluteError": (nn.MAE(), lambda n: np.zeros((n, 2))),
    "Huber": (nn.Huber(), lambda n: np.zeros((n, 2))),
    "BinaryCrossEntropy": (nn.BCE(from_logits=True), lambda n: np.zeros((n, 2))),
    "CategoricalCrossEntropy": (nn.CCE(from_logits=True), lambda n: np.tile([1.0, 0.0], (n, 1))),
    "Hinge": (nn.Hinge(), lambda n: np.ones((n, 2))),
    "PerceptronLoss": (nn.PerceptronLoss(), lambda n: -np.ones((n, 2))),
}


@pytest.mark.parametrize("owner", sorted(LOSSES))
@SETTINGS
@given(X=arrays_of_2_columns())
def test_losses_on_bad_predictions_and_targets(owner, X):
    loss, target = LOSSES[owner]
    n = max(rows(X) or 1, 1)
    outcome(lambda: loss(X, target(n)), owner)
    outcome(lambda: loss.gradient(X, target(n)), owner)
    if owner not in ("CategoricalCrossEntropy", "Hinge", "PerceptronLoss"):
        outcome(lambda: loss(np.zeros((n, 2)), X), owner)


FUNCTIONS = ["sigmoid", "tanh", "relu", "step", "softmax", "log_softmax"]


@pytest.mark.parametrize("name", FUNCTIONS)
@SETTINGS
@given(X=arrays_of_2_columns())
def test_plain_activation_functions_on_bad_arrays(name, X):
    if isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype.kind == "f" and np.isinf(X).any():
        return  # +-inf are valid arguments of the plain functions (sigma(inf) = 1), not bad ones
    if isinstance(X, np.ndarray) and X.size == 0 and name in ("softmax", "log_softmax"):
        return
    outcome(lambda: getattr(nn, name)(X), name, shape=lambda r: np.shape(X))


@SETTINGS
@given(X=arrays_of_2_columns())
def test_parameter_values_and_dense_weights(X):
    p = nn.Parameter("W", np.zeros((2, 2)))

    def assign():
        p.value = X
        return p.value

    outcome(assign, "Parameter 'W'", shape=lambda r: (2, 2))
    outcome(lambda: nn.Dense(len(X) if isinstance(X, np.ndarray) and X.ndim == 2 else 2, 2,
                             weights=X).W.value, "Dense")
    outcome(lambda: nn.Dense(2, 2, init="zeros", bias=X).b.value, "Dense(2->2)", shape=lambda r: (1, 2))


@SETTINGS
@given(X=arrays_of_2_columns(), Y=arrays_of_2_columns())
def test_train_on_bad_data(X, Y):
    net = nn.mlp([2, 2], output="linear", rng=np.random.default_rng(0))
    opt = nn.SGD(net.parameters(), lr=0.01)
    outcome(lambda: nn.train(net, nn.MSE(), opt, X, Y, epochs=1) and 0.0, ("train", "MeanSquaredError", "Sequential"))


@SETTINGS
@given(value=BAD_SCALARS)
def test_bad_scalar_arguments_everywhere(value):
    rng = np.random.default_rng(0)
    net = nn.mlp([2, 2], rng=rng)
    cases = [
        ("SGD", lambda: nn.SGD(net.parameters(), lr=value)),
        ("Adam", lambda: nn.Adam(net.parameters(), lr=0.1, beta1=value)),
        ("Adam", lambda: nn.Adam(net.parameters(), bias_correction=value)),
        ("RMSProp", lambda: nn.RMSProp(net.parameters(), lr=0.1, eps_inside_sqrt=value)),
        ("Momentum", lambda: nn.Momentum(net.parameters(), lr=0.1, beta=value)),
        ("BinaryCrossEntropy", lambda: nn.BCE(from_logits=value)),
        ("CategoricalCrossEntropy", lambda: nn.CCE(from_logits=value)),
        ("SparseCategoricalCrossEntropy", lambda: nn.SparseCCE(from_logits=value)),
        ("MeanSquaredError", lambda: nn.MSE(half=value)),
        ("Huber", lambda: nn.Huber(value)),
        ("LeakyReLU", lambda: nn.LeakyReLU(value)),
        ("Dropout", lambda: nn.Dropout(value, rng)),
        ("Dense", lambda: nn.Dense(value, 2, init="zeros")),
        ("Perceptron", lambda: nn.Perceptron(value)),
        ("Perceptron", lambda: nn.Perceptron(2, lr=value)),
        ("xor_blobs", lambda: datasets.xor_blobs(value, rng)),
        ("circles", lambda: datasets.circles(10, rng, noise=value)),
        ("moons", lambda: datasets.moons(value, rng)),
        ("spiral", lambda: datasets.spiral(10, rng, turns=value)),
        ("boolean_function", lambda: datasets.boolean_function(value)),
        ("one_hot", lambda: datasets.one_hot(np.array([0, 1]), value)),
        ("confusion_matrix", lambda: metrics.confusion_matrix(np.array([0, 1]), np.array([1, 0]), value)),
        ("clip_gradient_norm", lambda: nn.clip_gradient_norm(net.parameters(), value)),
        ("numerical_gradient", lambda: nn.numerical_gradient(lambda: 0.0, np.zeros(2), h=value)),
        ("constant", lambda: initializers.constant(value)),
        ("normal", lambda: initializers.normal(value)),
        ("count_parameters", lambda: nn.count_parameters([2, value])),
        ("mlp", lambda: nn.mlp([2, 2], hidden=value)),
        ("train", lambda: nn.train(net, nn.MSE(), nn.SGD(net.parameters(), 0.1), np.zeros((2, 2)),
                                   np.zeros((2, 2)), epochs=value)),
        ("train", lambda: nn.train(net, nn.MSE(), nn.SGD(net.parameters(), 0.1), np.zeros((2, 2)),
                                   np.zeros((2, 2)), epochs=1, validation=value)),
        ("train", lambda: nn.train(net, nn.MSE(), nn.SGD(net.parameters(), 0.1), np.zeros((2, 2)),
                                   np.zeros((2, 2)), epochs=1, callback=value)),
        ("train", lambda: nn.train(net, nn.MSE(), nn.SGD(net.parameters(), 0.1), np.zeros((2, 2)),
                                   value, epochs=1)),
    ]
    for owner, call in cases:
        accepted = outcome(call, owner) is not None
        # whatever is accepted, a string, a complex number or a list never is
        assert not (accepted and isinstance(value, (str, complex, list))), f"{owner} accepted {value!r}"


# --- every case of the issue -----------------------------------------------------------------

def test_small_integer_and_bool_inputs_are_computed_in_float64():
    out = nn.Sigmoid().forward(np.array([[1]], np.uint8))
    assert out.dtype == np.float64 and out[0, 0] == pytest.approx(0.7310585786)
    assert nn.Sigmoid().forward(np.array([[-128]], np.int8))[0, 0] == pytest.approx(0.0, abs=1e-50)
    assert nn.Sigmoid().forward(np.array([[True]]))[0, 0] == pytest.approx(0.7310585786)
    assert nn.Tanh().forward(np.array([[1]], np.float16)).dtype == np.float64


@pytest.mark.parametrize("layer", [nn.Sigmoid(), nn.Tanh(), nn.ReLU(), nn.Dropout(0.5, np.random.default_rng(0))],
                         ids=lambda layer: layer.name)
@pytest.mark.parametrize("X, error, match", [
    (np.array([[np.nan, 1.0]]), ValueError, "input X contains NaN or inf"),
    (np.array([[np.inf, 1.0]]), ValueError, "input X contains NaN or inf"),
    (np.array([[1 + 1j]]), TypeError, "input X must hold real numbers, got dtype complex128"),
    (np.array([[1.0]], dtype=object), TypeError, "got dtype object"),
    (np.array([["1.5"]]), TypeError, "got dtype <U3"),
])
def test_activation_and_dropout_layers_refuse_nan_complex_object_and_strings(layer, X, error, match):
    with pytest.raises(error, match=layer.name.replace("(", r"\(").replace(")", r"\)") + ": .*" + match):
        layer.forward(X)


def test_a_network_starting_with_an_activation_or_dropout_checks_its_entry():
    rng = np.random.default_rng(0)
    for head in (nn.Sigmoid(), nn.Dropout(0.5, rng)):
        net = nn.Sequential([head, nn.Dense(2, 1, rng=rng)])
        with pytest.raises(ValueError, match="Sequential: input X contains NaN"):
            net.forward(np.array([[np.nan, 0.0]]))
        with pytest.raises(ValueError, match=r"Sequential: input X must have 2 features \(columns\), got shape \(1, 3\)"):
            net.forward(np.ones((1, 3)))


def test_backward_refuses_nan_gradients_and_dense_refuses_bad_weights():
    layer = nn.Sigmoid()
    layer.forward(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="Sigmoid: grad_output contains NaN or inf"):
        layer.backward(np.array([[np.nan, 0.0]]))
    for bad in (np.full((2, 2), np.nan), np.full((2, 2), np.inf), np.ones((2, 2)) * 1j):
        with pytest.raises((ValueError, TypeError), match=r"Dense\(2->2\): weights"):
            nn.Dense(2, 2, weights=bad)
    with pytest.raises(ValueError, match=r"Dense\(2->2\): bias contains NaN"):
        nn.Dense(2, 2, init="zeros", bias=[np.nan, 0])


@pytest.mark.parametrize("loss", [nn.MAE(), nn.Huber(), nn.Hinge(), nn.PerceptronLoss(), nn.MSE(), nn.BCE(),
                                  nn.CCE()], ids=lambda loss: loss.name)
def test_empty_batches_are_refused_clearly(loss):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"prediction must hold at least one sample.*got shape \(0, 2\)"):
            loss(np.zeros((0, 2)), np.zeros((0, 2)))
    with pytest.raises(ValueError, match=r"SparseCategoricalCrossEntropy: prediction must hold at least one"):
        nn.SparseCCE()(np.zeros((0, 2)), np.zeros(0, int))


def test_train_on_an_empty_batch_says_so():
    net = nn.mlp([2, 1], rng=np.random.default_rng(0))
    X, Y = nn.datasets.truth_table("and")
    with pytest.raises(ValueError, match=r"train: X must hold at least one sample"):
        nn.train(net, nn.MSE(), nn.SGD(net.parameters(), 0.1), X[:0], Y[:0], epochs=1)


@pytest.mark.parametrize("make", [lambda v: nn.BCE(from_logits=v), lambda v: nn.CCE(from_logits=v),
                                  lambda v: nn.SparseCCE(from_logits=v), lambda v: nn.MSE(half=v),
                                  lambda v: nn.Adam([nn.Parameter("w", [0.0])], bias_correction=v),
                                  lambda v: nn.RMSProp([nn.Parameter("w", [0.0])], 0.1, eps_inside_sqrt=v)])
def test_string_flags_are_refused(make):
    with pytest.raises(TypeError, match=r"must be True or False, got 'False' \(str\)"):
        make("False")
    make(np.bool_(True))  # numpy's bools are bools


def test_cce_refuses_rows_that_are_not_distributions_and_other_cases():
    P, T = np.array([[0.2, 0.8]]), np.array([[0.0, 1.0]])
    with pytest.raises(ValueError, match="CategoricalCrossEntropy: each prediction row must be probabilities "
                                         "summing to 1.*row 0 sums to 0.5"):
        nn.CCE()(P * 0.5, T)
    with pytest.raises(ValueError, match="LeakyReLU: alpha must be a finite number, got nan"):
        nn.LeakyReLU(alpha=np.nan)
    with pytest.raises(ValueError, match=r"count_parameters: sizes must be positive integers, got -3"):
        nn.count_parameters([2, -3])
    with pytest.raises(TypeError, match=r"count_parameters: sizes must be positive integers, got 2.5"):
        nn.count_parameters([2.5, 3])
    with pytest.raises(ValueError, match="Perceptron: weights contains NaN"):
        nn.Perceptron(2, weights=[np.nan, 0.0])
    with pytest.raises(ValueError, match="Perceptron: n_features must be an integer >= 1, got 0"):
        nn.Perceptron(0)
    with pytest.raises(ValueError, match=r"Perceptron: labels y must be -1 or \+1"):
        nn.Perceptron(1).fit(np.array([[1.0], [2.0]]), [1.7, -1.2])
    with pytest.raises(TypeError, match="Perceptron.fit: epochs must be an integer"):
        nn.Perceptron(1).fit(np.array([[1.0]]), [1], epochs=None)
    with pytest.raises(ValueError, match="Perceptron.fit: epochs must be an integer >= 1, got 0"):
        nn.Perceptron(1).fit(np.array([[1.0]]), [1], epochs=0)


def test_dataset_generators_refuse_bad_sizes_and_noise():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="moons: noise must be a finite number, got nan"):
        datasets.moons(10, rng, noise=np.nan)
    with pytest.raises(ValueError, match="circles: noise must be a finite number, got inf"):
        datasets.circles(10, rng, noise=np.inf)
    with pytest.raises(TypeError, match="xor_blobs: n must be an integer, got None"):
        datasets.xor_blobs(None, rng)
    for n, error in ((-1, ValueError), (2.5, TypeError), ("10", TypeError)):
        with pytest.raises(error, match="spiral: n must be an integer"):
            datasets.spiral(n, rng)
    with pytest.raises(TypeError, match=r"boolean_function: index must be an integer, got 3.7"):
        datasets.boolean_function(3.7)
    with pytest.raises(TypeError, match="one_hot: n_classes must be an integer"):
        datasets.one_hot(np.array([0, 1]), 2.0)
    with pytest.raises(ValueError, match="confusion_matrix: n_classes must be an integer >= 1, got 0"):
        metrics.confusion_matrix(np.array([0]), np.array([0]), 0)


def test_matrices_and_masked_arrays_do_not_come_back():
    out = nn.Sigmoid().forward(np.asmatrix([[0.0, 1.0]]))
    assert type(out) is np.ndarray
    with pytest.raises(TypeError, match="Sigmoid: input X must be a plain numpy array, got a masked array"):
        nn.Sigmoid().forward(np.ma.masked_array([[0.0, 1.0]], mask=[[True, False]]))


def test_gradient_checking_refuses_what_would_mislead():
    with pytest.raises(ValueError, match=r"relative_error: target must have the prediction's shape \(3,\), got \(3, 1\)"):
        nn.relative_error(np.array([1.0, 2, 3]), np.array([[1.0], [2], [3]]))
    with pytest.raises(TypeError, match="numerical_gradient: x must be a float64 numpy array.*got int64"):
        nn.numerical_gradient(lambda: 0.0, np.array([1, 2]))
    with pytest.raises(TypeError, match="got float32"):
        nn.numerical_gradient(lambda: 0.0, np.array([1, 2], np.float32))
    with pytest.raises(ValueError, match="numerical_gradient: step h must be a finite number > 0, got nan"):
        nn.numerical_gradient(lambda: 0.0, np.zeros(2), h=np.nan)


def test_plain_functions_refuse_none():
    with pytest.raises(TypeError, match="sigmoid: z must be a number or a numpy array, got NoneType"):
        nn.sigmoid(None)


@pytest.mark.parametrize("call, error, match", [
    (lambda net: nn.SGD(net, lr=0.1), TypeError, "SGD: parameters must be a list of Parameters, got a Sequential"),
    (lambda net: nn.SGD(net.parameters, lr=0.1), TypeError, r"got the method .*call it: net.parameters\(\)"),
    (lambda net: nn.train(net, nn.BCE, nn.SGD(net.parameters(), 0.1), np.zeros((2, 2)), np.zeros((2, 1)),
                          epochs=1), TypeError, r"train: loss must be an instance, got the class BinaryCrossEntropy"),
    (lambda net: nn.train(net, "mse", nn.SGD(net.parameters(), 0.1), np.zeros((2, 2)), np.zeros((2, 1)),
                          epochs=1), TypeError, "train: loss must be an nnlib loss .*got str"),
    (lambda net: nn.train(net, nn.MSE(), nn.SGD(net.parameters(), 0.1), np.zeros((2, 2)), np.zeros((2, 1)),
                          epochs=1, validation=np.zeros((2, 2))), TypeError,
     r"train: validation must be a pair \(X_val, Y_val\), got ndarray of shape \(2, 2\)"),
    (lambda net: nn.train(net, nn.MSE(), nn.SGD(net.parameters(), 0.1), np.zeros((2, 2)), np.zeros((2, 1)),
                          epochs=1, callback=5), TypeError, "train: callback must be a function.*got 5"),
    (lambda net: nn.train(net, nn.MSE(), nn.SGD(net.parameters(), 0.1), np.zeros((2, 2)), np.array(1.0),
                          epochs=1), ValueError, "train: targets Y must be 2-D.*got a 0-D array"),
    (lambda net: nn.train(net, nn.MSE(), nn.SGD(net.parameters(), 0.1), np.zeros((2, 2)), None,
                          epochs=1), TypeError, "train: targets Y must be a numpy array, got NoneType"),
    (lambda net: nn.Dropout("0.5", np.random.default_rng(0)), TypeError, "Dropout: rate must be a number, got '0.5'"),
    (lambda net: nn.LeakyReLU("x"), TypeError, "LeakyReLU: alpha must be a number, got 'x'"),
    (lambda net: nn.mlp([2, 1], hidden=["tanh"]), ValueError, r"mlp: hidden activation must be one of .*got \['tanh'\]"),
    (lambda net: nn.Dense(2, 2, init=initializers.normal), TypeError,
     r"Dense\(2->2\): init=normal makes initialisers; call it first"),
    (lambda net: nn.xavier_uniform((0, 0), np.random.default_rng(0)) if hasattr(nn, "xavier_uniform") else
     initializers.xavier_uniform((0, 0), np.random.default_rng(0)), ValueError,
     r"xavier_uniform: shape must be \(n_in, n_out\) with both >= 1, got \(0, 0\)"),
    (lambda net: nn.Sequential([nn.Dense(2, 2, init="zeros"), [1, 2]]), TypeError,
     "Sequential: layer 1 must be an nnlib Layer, got list"),
    (lambda net: nn.Sigmoid().forward([[1.0, 2.0], [3.0]]), ValueError,
     "Sigmoid: input X must be a rectangular array, got a ragged list"),
    (lambda net: nn.Layer().forward(np.zeros((1, 1))), NotImplementedError,
     r"Layer: a Layer subclass must implement forward\(X\)"),
    (lambda net: nn.Loss()(np.zeros((1, 1)), np.zeros((1, 1))), NotImplementedError,
     "Loss: a Loss subclass must implement _value"),
])
def test_unclear_errors_are_clear_now(call, error, match):
    net = nn.mlp([2, 1], rng=np.random.default_rng(0))
    with pytest.raises(error, match=match):
        call(net)


def test_constant_init_needs_no_rng():
    dense = nn.Dense(2, 3, init=initializers.constant(0.5))
    assert np.all(dense.W.value == 0.5)


def test_the_checks_never_warn_on_huge_or_mixed_infinite_values():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.array_equal(nn.Linear().forward(np.full((2, 2), 1e308)), np.full((2, 2), 1e308))
        with pytest.raises(ValueError, match="Linear: input X contains NaN or inf"):
            nn.Linear().forward(np.array([[np.inf, -np.inf]]))
        nn.MSE()(np.full((3, 1), 1e300), np.full((3, 1), 1e300))


def test_other_flags_are_bools_too():
    net = nn.mlp([2, 1], rng=np.random.default_rng(0))
    from nnlib.callbacks import EarlyStopping
    with pytest.raises(TypeError, match="EarlyStopping: restore_best must be True or False, got 'no'"):
        EarlyStopping(net, restore_best="no")
    with pytest.raises(TypeError, match="EarlyStopping: min_delta must be a number, got '0'"):
        EarlyStopping(net, min_delta="0")
    with pytest.raises(TypeError, match="Sequential.set_training: training must be True or False"):
        net.set_training("False")
    with pytest.raises(TypeError, match="train: shuffle must be True or False"):
        nn.train(net, nn.MSE(), nn.SGD(net.parameters(), 0.1), np.zeros((2, 2)), np.zeros((2, 1)), epochs=1,
                 shuffle="yes")


# --- a second adversarial pass: flags, saved state, loading ------------------------------------

@pytest.mark.parametrize("make_layer", [lambda: nn.Dropout(0.5, np.random.default_rng(0)),
                                        lambda: nn.Dense(2, 2, rng=np.random.default_rng(0)), nn.Tanh,
                                        lambda: __import__("nnlib.normalization").normalization.BatchNorm(2)])
@given(flag=st.sampled_from(["False", "True", "", 0, 1, None, 0.0, [False]]))
@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_layers_training_flag_must_be_a_bool(make_layer, flag):
    layer = make_layer()
    with pytest.raises(TypeError, match=r"training must be True or False, got"):
        layer.training = flag  # 'False' would be truthy: dropout would stay on in evaluation
    assert layer.training is True
    layer.training = np.bool_(False)
    assert layer.training is False


def test_a_dropout_layer_set_to_evaluation_by_hand_is_the_identity():
    layer = nn.Dropout(0.5, np.random.default_rng(0))
    layer.training = False
    X = np.ones((3, 4))
    assert np.array_equal(layer.forward(X), X)


@pytest.mark.parametrize("function", ["l2_penalty", "add_l2_gradient"])
def test_l2_include_bias_must_be_a_bool(function):
    from nnlib import regularization

    net = nn.mlp([2, 3, 1], rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match=rf"{function}: include_bias must be True or False, got 'False'"):
        getattr(regularization, function)(net.parameters(), 0.1, include_bias="False")


def optimiser_state():
    net = nn.mlp([2, 3, 1], rng=np.random.default_rng(0))
    opt = nn.Adam(net.parameters(), lr=0.01)
    return opt, opt.state_dict()


@pytest.mark.parametrize("name, bad, error, message", [
    ("lr", np.array("x"), TypeError, r"Adam \(loading its state\): lr must be a number, got 'x'"),
    ("lr", np.array(-1.0), ValueError, "lr must be a finite number > 0, got -1.0"),
    ("beta2", np.array(1.0), ValueError, "beta2 must satisfy 0 <= beta2 < 1, got 1.0"),
    ("bias_correction", np.array("False"), TypeError, "bias_correction must be True or False, got 'False'"),
    ("t", np.array(-3), ValueError, "saved step count t must be an integer >= 0, got -3"),
    ("t", np.array(2.5), ValueError, "saved step count t must be an integer >= 0, got 2.5"),
    ("m", np.full(13, np.nan), ValueError, r"Adam: saved state 'm' contains NaN or inf"),
])
def test_loading_an_optimisers_state_checks_it_like_the_constructor(name, bad, error, message):
    opt, state = optimiser_state()
    before = (opt.lr, opt.t, opt.m.copy())
    with pytest.raises(error, match=message):
        opt.load_state_dict(dict(state, **{name: bad}))
    assert (opt.lr, opt.t) == before[:2] and np.array_equal(opt.m, before[2])  # nothing was loaded


def test_momentum_loads_its_form_checked():
    net = nn.mlp([2, 3, 1], rng=np.random.default_rng(0))
    opt = nn.Momentum(net.parameters(), lr=0.1, form="classic")
    state = opt.state_dict()
    loaded = nn.Momentum(net.parameters(), lr=0.5)
    loaded.load_state_dict(state)  # the saved form and lr arrive
    assert (loaded.form, loaded.lr) == ("classic", 0.1)
    with pytest.raises(ValueError, match="form must be 'average' or 'classic', got 'avg'"):
        opt.load_state_dict(dict(state, form=np.array("avg")))


def test_load_checks_the_network_before_the_file_and_refuses_a_non_dict_state(tmp_path):
    with pytest.raises(TypeError, match="load: net must be an nnlib Sequential network, got NoneType"):
        nn.load(tmp_path / "never_written.npz", None)
    net = nn.mlp([2, 3, 1], rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="load: the saved state must be a dict of named arrays .*got list"):
        nn.serialization.load_state([1, 2], net)


# --- issue 20: the bad inputs still without a clear answer ---------------------------------------

@pytest.mark.parametrize("threshold, error, message", [
    (np.nan, ValueError, "predicted_labels: threshold must be a finite number, got nan"),
    ("0.5", TypeError, r"predicted_labels: threshold must be a number, got '0.5' \(str\)"),
    (None, TypeError, r"predicted_labels: threshold must be a number, got None \(NoneType\)"),
])
def test_predicted_labels_refuses_a_threshold_that_is_not_a_finite_number(threshold, error, message):
    with pytest.raises(error, match=message):
        metrics.predicted_labels(np.array([[0.2], [0.7]]), threshold=threshold)
    assert metrics.predicted_labels(np.array([[0.2], [0.7]]), threshold=0.7).tolist() == [0, 1]


@pytest.mark.parametrize("fractions, error", [((0.6, np.nan, 0.4), ValueError), ((np.nan, 0.5, 0.5), ValueError),
                                              ((0.6, 0.2, np.inf), ValueError), ((0.6, "0.2", 0.2), TypeError),
                                              ((0.6, None, 0.4), TypeError), ("0.6", TypeError)])
def test_split_sizes_refuses_nan_and_non_numbers(fractions, error):
    from nnlib.splits import split_sizes

    with pytest.raises(error, match="split_sizes: fractions must be three"):
        split_sizes(10, fractions)


@pytest.mark.parametrize("make", [lambda ps: nn.SGD(ps, lr=0.1), lambda ps: nn.Momentum(ps, lr=0.1),
                                  lambda ps: nn.RMSProp(ps, lr=0.1), lambda ps: nn.Adam(ps, lr=0.1)])
@pytest.mark.parametrize("bad, error", [(-0.1, ValueError), (0, ValueError), (np.nan, ValueError),
                                        (np.inf, ValueError), ("0.1", TypeError), (None, TypeError)])
def test_an_optimisers_lr_set_by_hand_is_checked(make, bad, error):
    opt = make(nn.mlp([2, 1], rng=np.random.default_rng(0)).parameters())
    name = type(opt).__name__
    with pytest.raises(error, match=rf"{name}: learning rate lr must be a (finite )?number"):
        opt.lr = bad
    assert opt.lr == 0.1  # the bad value was not kept
    opt.lr = np.float64(0.5)
    assert opt.lr == 0.5 and type(opt.lr) is float


def test_a_wrapped_optimisers_lr_is_checked_too():
    from nnlib.regularization import L2Regularized

    opt = L2Regularized(nn.SGD(nn.mlp([2, 1], rng=np.random.default_rng(0)).parameters(), lr=0.1), lam=0.01)
    with pytest.raises(ValueError, match="SGD: learning rate lr must be a finite number > 0, got -1"):
        opt.lr = -1
    opt.lr = 0.2
    assert opt.lr == opt.optimizer.lr == 0.2


@pytest.mark.parametrize("factor", [2, 1, 1.0, 0, 0.0])
def test_circles_keeps_the_inner_ring_inside(factor):
    with pytest.raises(ValueError, match=r"circles: factor .* must be in \(0, 1\), got"):
        datasets.circles(10, np.random.default_rng(0), factor=factor)
    X, y = datasets.circles(200, np.random.default_rng(0), noise=0.0, factor=0.3)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(radius[y[:, 0] == 1], 0.3) and np.allclose(radius[y[:, 0] == 0], 1.0)


@pytest.mark.parametrize("function", [nn.softmax, nn.log_softmax])
@pytest.mark.parametrize("z, what", [([[1.0, np.inf, 2.0]], r"z \(row 0\) that holds \+inf"),
                                     ([[0.0, 1.0], [np.inf, np.inf]], r"z \(row 1\) that holds \+inf"),
                                     ([1.0, np.inf], "z that holds \\+inf"),
                                     ([[-np.inf, -np.inf]], r"z \(row 0\) that has only -inf entries")])
def test_softmax_of_a_row_with_plus_inf_is_an_error_not_nan(function, z, what):
    name = function.__name__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=rf"{name}: each row of z must hold a finite entry and no \+inf.*{what}"):
            function(np.array(z))


def test_softmax_gives_minus_inf_entries_probability_zero():
    assert nn.softmax(np.array([[0.0, -np.inf]])).tolist() == [[1.0, 0.0]]
    assert nn.log_softmax(np.array([[0.0, -np.inf]])).tolist() == [[0.0, -np.inf]]


@pytest.mark.parametrize("value", [1e308, -1e308])
def test_dropout_refuses_an_input_its_scaling_would_overflow(value):
    layer = nn.Dropout(0.5, np.random.default_rng(0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"Dropout\(0.5\): scaling the kept inputs by 1 / \(1 - rate\) = 2 "
                                             r"overflowed \(the input reaches 1e\+308\)"):
            layer.forward(np.full((4, 4), value))
    layer.training = False  # evaluation: the identity, no scaling, nothing to overflow
    assert np.array_equal(layer.forward(np.full((2, 2), value)), np.full((2, 2), value))
    layer.training = True
    assert np.all(np.isfinite(layer.forward(np.full((4, 4), 1e300))))  # large but representable


def test_check_network_explains_a_single_layer_and_a_loss_class():
    from nnlib.gradcheck import check_loss, check_network

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 2)), rng.uniform(size=(3, 1))
    with pytest.raises(TypeError, match=r"check_network: net must be a network with a list of layers such as "
                                        r"Sequential\(\[...\]\), got Dense; for one layer use check_layer"):
        check_network(nn.Dense(2, 1, rng=rng), nn.MSE(), X, Y)
    net = nn.mlp([2, 1], rng=rng)
    with pytest.raises(TypeError, match=r"check_network: loss must be an instance, got the class MeanSquaredError; "
                                        r"call it: MeanSquaredError\(...\)"):
        check_network(net, nn.MSE, X, Y)
    with pytest.raises(TypeError, match=r"check_loss: loss must be an instance, got the class BinaryCrossEntropy"):
        check_loss(nn.BCE, np.full((2, 1), 0.5), np.ones((2, 1)))
    with pytest.raises(TypeError, match="check_network: loss must be an nnlib loss .*got str"):
        check_network(net, "mse", X, Y)
    assert max(check_network(net, nn.MSE(), X, Y).values()) < 1e-7


def test_numerical_gradient_explains_a_read_only_x_and_an_array_valued_f():
    x = np.arange(3.0)
    x.flags.writeable = False
    with pytest.raises(ValueError, match=r"numerical_gradient: x must be a writeable array .* got a read-only one; "
                                         r"pass a copy"):
        nn.numerical_gradient(lambda: float(np.sum(x ** 2)), x)
    y = np.arange(3.0)
    with pytest.raises(ValueError, match=r"numerical_gradient: f must return one number \(the loss\), got an array "
                                         r"of shape \(3,\); sum or average it inside f"):
        nn.numerical_gradient(lambda: y ** 2, y)
    assert y.tolist() == [0.0, 1.0, 2.0]  # put back before the error
    with pytest.raises(TypeError, match="numerical_gradient: f must return a number \\(the loss\\), got NoneType"):
        nn.numerical_gradient(lambda: None, y)
    assert np.allclose(nn.numerical_gradient(lambda: np.sum(y ** 2), y), 2 * y)  # np.float64 is one number
    assert np.allclose(nn.numerical_gradient(lambda: np.array(np.sum(y ** 3)), y), 3 * y ** 2)  # so is 0-d


def test_train_refuses_a_single_layer_as_the_network():
    rng = np.random.default_rng(0)
    layer = nn.Dense(2, 1, rng=rng)
    with pytest.raises(TypeError, match=r"train: net must be a network, got one layer Dense\(2->1\); "
                                        r"wrap it: Sequential\(\[layer\]\)"):
        nn.train(layer, nn.MSE(), nn.SGD(layer.parameters(), 0.1), np.zeros((2, 2)), np.zeros((2, 1)), epochs=1)
    net = nn.Sequential([layer])  # what the message says works
    nn.train(net, nn.MSE(), nn.SGD(net.parameters(), 0.1), np.zeros((2, 2)), np.zeros((2, 1)), epochs=1)


def test_an_initialiser_of_one_argument_is_named_in_the_error():
    def my_init(shape):
        return np.ones(shape)

    with pytest.raises(TypeError, match=r"Dense\(2->3\): init must be a function init\(shape, rng\) of two "
                                        r"arguments, got my_init\(shape\)"):
        nn.Dense(2, 3, init=my_init, rng=np.random.default_rng(0))

    def raises_inside(shape, rng):
        raise TypeError("my own mistake")

    with pytest.raises(TypeError, match="my own mistake"):  # a TypeError inside init is not hidden
        nn.Dense(2, 3, init=raises_inside, rng=np.random.default_rng(0))
    layer = nn.Dense(2, 3, init=lambda shape, rng=None: np.ones(shape), rng=np.random.default_rng(0))
    assert layer.W.value.tolist() == [[1.0] * 3] * 2
