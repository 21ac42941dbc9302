from apply import apply
W = {
5: r'''
report("delta_o1", float(delta_o1), hint="delta_o1 = (out_o1 - target_o1) * out_o1 * (1 - out_o1): the error times sigma'(net_o1)")
report("dE_dw6", float(dE_dw6), hint="dE/dw6 = delta_o1 times the input that w6 multiplies, out_h2 (not out_h1)")
''',
6: r'''
report("delta_o1 and dE_dw6", [float(delta_o1), float(dE_dw6)], atol=1e-6,
       hint="the error signal delta_o1 = (out_o1 - target_o1) out_o1 (1 - out_o1); dE/dw6 = delta_o1 out_h2")
''',
9: r'''
X = np.array([[1.0, 2.0], [3.0, -1.0]])
W = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]])
G = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]])
dW, db, dX = dense_backward(X, W, G)
report("dW", np.asarray(dW, dtype=float), hint="each weight w_ij collects x_i times g_j over the batch: dW = X.T @ G")
report("db", np.asarray(db, dtype=float), hint="b collects g_j over the batch: G.sum(axis=0, keepdims=True), shape (1, n_out)")
report("dX", np.asarray(dX, dtype=float), hint="X gets G back through W transposed: dX = G @ W.T")
''',
10: r'''
rng = np.random.default_rng(2024)
X, W, G = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=(4, 5))
dW, db, dX = dense_backward(X, W, G)
report("dW (4 samples, 3 -> 5)", np.asarray(dW, dtype=float), hint="dW = X.T @ G sums over the samples")
report("db (4 samples, 3 -> 5)", np.asarray(db, dtype=float), hint="db = G.sum(axis=0, keepdims=True): sum over the samples, not the units")
report("dX (4 samples, 3 -> 5)", np.asarray(dX, dtype=float), hint="dX = G @ W.T")
''',
11: r'''
rng = np.random.default_rng(7)
X, W, G = rng.normal(size=(9, 6)), rng.normal(size=(6, 2)), rng.normal(size=(9, 2))
dW, db, dX = dense_backward(X, W, G)
report("dW (9 samples, 6 -> 2)", np.asarray(dW, dtype=float), atol=1e-9)
report("db (9 samples, 6 -> 2)", np.asarray(db, dtype=float), atol=1e-9)
report("dX (9 samples, 6 -> 2)", np.asarray(dX, dtype=float), atol=1e-9)
''',
14: r'''
X = np.array([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.5]])
y = np.array([1.0, 0.0, 1.0])
dJ_dw, dJ_db = neuron_gradients(X, y, np.array([0.2, -0.4]), 0.1)
report("dJ/dw", np.asarray(dJ_dw, dtype=float), hint="dJ/dz = a - y for each sample; average (a - y) x over the samples")
report("dJ/db", float(dJ_db), hint="dJ/db is the mean of a - y")
''',
15: r'''
rng = np.random.default_rng(33)
X = rng.normal(size=(8, 3))
y = (rng.random(8) < 0.5).astype(float)
dJ_dw, dJ_db = neuron_gradients(X, y, rng.normal(size=3), 0.3)
report("dJ/dw (8 samples, 3 inputs)", np.asarray(dJ_dw, dtype=float), atol=1e-9)
report("dJ/db (8 samples, 3 inputs)", float(dJ_db), atol=1e-9)
''',
18: r'''
net, X, Y = examples.note004_network()   # the 2-2-2 network of exercise 1
before = [p.value.copy() for p in net.parameters()]
W1, b1, W2, b2 = sgd_step(*before, X, Y, eta=0.5)
W1, W2 = np.asarray(W1, dtype=float), np.asarray(W2, dtype=float)
report("w1..w8 after one step", [float((W1, W2)[layer][row, col]) for layer, row, col in examples.note004_weight_names().values()],
       atol=1e-8, hint="delta_o = (o - t) o (1 - o), delta_h = (delta_o @ W2.T) h (1 - h) with W2 before its update; then every weight minus eta times its gradient",
       wrong=[([0.14976922, 0.19953845, 0.24970949, 0.29941898, 0.35891648, 0.40866619, 0.51130127, 0.56137012],
               "a missing transpose: the hidden delta is delta_h = (delta_o @ W2.T) * h * (1 - h); W2 has shape (n_hidden, n_out), so the output delta goes back through W2.T"),
              ([0.14981764, 0.19963528, 0.24978819, 0.29957637, 0.35891648, 0.40866619, 0.51130127, 0.56137012],
               "compute both deltas with the OLD weights before updating anything: your delta_h used W2 after its update")])
report("arguments unchanged", all(np.array_equal(a, p.value) for a, p in zip(before, net.parameters())),
       hint="return new arrays (W1 - eta * dW1, ...); do not update the arguments in place (no -=)")
''',
19: r'''
rng = np.random.default_rng(5)
W1, b1 = rng.normal(size=(3, 4)), rng.normal(size=(1, 4))
W2, b2 = rng.normal(size=(4, 2)), rng.normal(size=(1, 2))
x, t = rng.normal(size=(1, 3)), rng.random((1, 2))
new = sgd_step(W1, b1, W2, b2, x, t, 0.1)
for name, value in zip(("W1", "b1", "W2", "b2"), new):
    report(f"{name} after a step of the 3-4-2 network", np.asarray(value, dtype=float), atol=1e-8,
           hint="on a network with different layer sizes a missing transpose cannot multiply; compute both deltas with the old weights")
''',
20: r'''
rng = np.random.default_rng(11)
Ws = [rng.normal(size=(2, 3)), rng.normal(size=(1, 3)), rng.normal(size=(3, 2)), rng.normal(size=(1, 2))]
x, t = rng.normal(size=(1, 2)), rng.random((1, 2))
for name, value in zip(("W1", "b1", "W2", "b2"), sgd_step(*Ws, x, t, 0.3)):
    report(f"{name} after a step of a 2-3-2 network", np.asarray(value, dtype=float), atol=1e-9)
''',
23: r'''
names = {f"w{k}" for k in range(1, 9)} | {"b_h1", "b_h2", "b_o1", "b_o2"}
report("a set of names among the twelve", type(zero_gradients) in (set, frozenset)
       and all(type(n) is str for n in zero_gradients) and set(zero_gradients) <= names,
       hint='write a set of names, like {"w3", "b_o2"}; the names are w1 ... w8, b_h1, b_h2, b_o1, b_o2')
''',
24: {"source": r'''
answer = set(zero_gradients) if type(zero_gradients) in (set, frozenset) else repr(zero_gradients)
report("the parameters with zero gradient", answer,
       hint="a dead unit outputs h1 = 0 and passes back ReLU'(net_h1) = 0: which gradients are multiplied by one of these?",
       wrong=[({"w1", "w2", "b_h1"}, "these get no gradient because ReLU'(net_h1) = 0; but h1 = 0 is also the input of w5 and w7, whose gradients delta_o * h1 vanish too"),
              ({"w5", "w7"}, "w5 and w7 multiply h1 = 0, right; but the gradient flowing INTO h1 is also multiplied by ReLU'(net_h1) = 0, which stops w1, w2 and b_h1"),
              ({"w1", "w2", "w5", "w7"}, "the bias b_h1 of the dead unit gets delta_h1 = 0 too"),
              ({"w1", "w2", "b_h1", "w5", "w7", "b_o1", "b_o2"}, "the output biases get delta_o, which does not pass through h1: they still learn"),
              ({"w1", "w3", "b_h1", "w5", "w6"}, "check which weights feed h1: w1 and w2 go into h1, w5 and w7 leave it")])
'''},
27: r'''
# a function whose gradient we know: f(x) = sum(x^3), df/dx = 3 x^2
x = np.array([1.0, 2.0, -1.0])
g = numerical_gradient(lambda: float(np.sum(x ** 3)), x)
report("numerical gradient of sum(x^3) at (1, 2, -1)", np.asarray(g, dtype=float), atol=1e-5,
       hint="use the central difference (f(x + h) - f(x - h)) / (2h); the one-sided one is off by order h",
       wrong=[([3.000003, 12.000006, 2.999997], "this is the one-sided difference (f(x + h) - f(x)) / h: its error is of order h; use (f(x + h) - f(x - h)) / (2h)")])
report("x restored", x.tolist() == [1.0, 2.0, -1.0], hint="put every entry of x back to its original value after perturbing it")
report("relative error of [1, 2] and [1, 2.5]", float(relative_error([1.0, 2.0], [1.0, 2.5])),
       hint="r = ||a - g|| / (||a|| + ||g||), with norms over all entries")
''',
28: r'''
rng = np.random.default_rng(21)
W = rng.normal(size=(3, 4))
X = rng.normal(size=(5, 3))
objective = lambda: float(np.sum(np.tanh(X @ W) ** 2))  # noqa: E731
before = W.copy()
report("numerical gradient on a 3x4 weight matrix", np.asarray(numerical_gradient(objective, W, h=1e-5), dtype=float), atol=1e-8)
report("weights restored", bool(np.array_equal(before, W)))
A, G = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
cases = [(A, G), (A, A), (A, A + 1e-7), (np.zeros(3), np.zeros(3)), (A[0], -A[0])]
report("relative errors of five pairs", [float(relative_error(a, g)) for a, g in cases], atol=1e-12, rtol=1e-9,
       hint="guard the denominator with max(||a|| + ||g||, 1e-12) so two zero arrays give 0")
''',
}
apply("solutions/05_backpropagation.ipynb", W)
