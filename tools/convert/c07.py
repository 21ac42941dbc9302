from apply import apply
apply("solutions/07_softmax_backprop.ipynb", {
4: r'''
report("J at z = (1, 2, 3)", np.asarray(softmax_jacobian(np.array([1.0, 2.0, 3.0])), dtype=float),
       hint="s = exp(z - max z) / sum; then J = np.diag(s) - np.outer(s, s)")
''',
5: r'''
rng = np.random.default_rng(61)
for K in (2, 4, 7):
    report(f"J for {K} random logits", np.asarray(softmax_jacobian(rng.normal(size=K) * 3), dtype=float), atol=1e-12)
with np.errstate(over="raise", divide="raise", invalid="raise"):
    report("J at (1000, 1001, 1002)", np.asarray(softmax_jacobian(np.array([1000.0, 1001.0, 1002.0])), dtype=float), atol=1e-12,
           hint="subtract the maximum before np.exp, or exp(1000) overflows")
''',
8: r'''
report("grad_logits", np.asarray(grad_logits, dtype=float), atol=1e-9, hint="dL/dz = a - y")
report("loss", float(loss), atol=1e-9, hint="L = -log of the true class's probability")
report("grad_W", np.asarray(grad_W, dtype=float), atol=1e-9, hint="dL/dW = x^T (a - y), an outer product of x = (2, -1) and a - y")
''',
9: r'''
report("grad_logits, loss, grad_W", [float(v) for v in np.ravel(np.asarray(grad_logits, dtype=float))] + [float(loss)]
       + [float(v) for v in np.ravel(np.asarray(grad_W, dtype=float))], atol=1e-9)
''',
11: r'''
report("a number and one of 1, 2, 3", type(loss_change) in (int, float) and lowered_most in (1, 2, 3),
       hint="for example loss_change = 0.5 and lowered_most = 1")
''',
12: r'''
report("loss change", float(loss_change), hint="to first order the loss changes by dL/dz_3 times 0.1, and dL/dz_3 = a_3 - y_3 = -0.7",
       wrong=[(0.07, "the sign: dL/dz_3 = a_3 - 1 = -0.7 < 0, so raising the true logit lowers the loss")])
report("logit lowered most", int(lowered_most), hint="both answers come from the gradient a - y you computed: gradient descent lowers most the logit with the largest entry of a - y",
       wrong=[(3, "z_3 is the true class: its gradient is negative, so a step raises it"), (1, "a - y = (0.1, 0.6, -0.7): the largest positive entry is the second")])
''',
15: r'''
Z = np.array([[2.0, 1.0, 0.1], [0.0, 0.0, 3.0], [0.0, 1000.0, 0.0]])
Y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
value, grad = cce_softmax_backward(Z, Y)
report("loss", float(value), hint="log softmax = (Z - max) - log(sum exp(Z - max)) row by row; the loss is -sum(Y log softmax) / n")
report("gradient", np.asarray(grad, dtype=float), hint="the gradient is (softmax(Z) - Y) / n")
''',
16: r'''
rng = np.random.default_rng(63)
for n, K in ((1, 2), (5, 3), (8, 6)):
    Z = rng.normal(size=(n, K)) * 4
    Y = np.eye(K)[rng.integers(0, K, size=n)]
    value, grad = cce_softmax_backward(Z, Y)
    report(f"loss for shape {(n, K)}", float(value), atol=1e-10)
    report(f"gradient for shape {(n, K)}", np.asarray(grad, dtype=float), atol=1e-10)
with np.errstate(over="raise", divide="raise", invalid="raise"):
    value, grad = cce_softmax_backward(np.array([[0.0, 2000.0]]), np.array([[1.0, 0.0]]))
report("loss and gradient at logits (0, 2000)", [float(value)] + [float(v) for v in np.ravel(grad)], atol=1e-9)
''',
19: r'''
u = np.array([3.0, 0.2, -0.1])
W1 = np.array([[0.1, 0.2, 0.3], [-0.1, 0.0, -0.2]])
W2 = np.array([[0.2, -0.2], [0.5, 0.1], [-0.3, 0.4]])
grads = column_backward(u, np.array([0.0, 1.0, 0.0]), W1, np.zeros(2), W2, np.zeros(3))
for name, g in zip(("dW1", "db1", "dW2", "db2"), grads):
    report(name, np.asarray(g, dtype=float),
           hint="delta2 = Y2 - y; dW2 = outer(delta2, Y1); delta1 = (W2^T delta2) * Y1 * (1 - Y1); dW1 = outer(delta1, u)")
''',
20: r'''
rng = np.random.default_rng(64)
for D, H, K in ((3, 2, 3), (4, 5, 2), (2, 3, 6)):
    u, W1, b1 = rng.normal(size=D), rng.normal(size=(H, D)), rng.normal(size=H)
    W2, b2 = rng.normal(size=(K, H)), rng.normal(size=K)
    y = np.eye(K)[rng.integers(0, K)]
    for name, g in zip(("dW1", "db1", "dW2", "db2"), column_backward(u, y, W1, b1, W2, b2)):
        report(f"{name} for sizes {(D, H, K)}", np.asarray(g, dtype=float), atol=1e-12)
''',
23: r'''
with np.errstate(over="raise", divide="raise", invalid="raise"):
    report("log_softmax(0, 1000)", np.asarray(log_softmax(np.array([0.0, 1000.0])), dtype=float),
           hint="subtract the row maximum m first; the sum of exp(Z - m) is then at least 1")
    report("log_softmax(1, 2, 3)", np.asarray(log_softmax(np.array([1.0, 2.0, 3.0])), dtype=float))
    report("log_softmax of two rows", np.asarray(log_softmax(np.array([[1.0, 1.0], [-500.0, 500.0]])), dtype=float),
           hint="for a batch, the maximum and the sum run along the last axis with keepdims=True")
''',
24: r'''
rng = np.random.default_rng(65)
with np.errstate(over="raise", divide="raise", invalid="raise"):
    for shape in ((4,), (3, 5), (2, 3, 4)):
        report(f"log_softmax of large logits of shape {shape}", np.asarray(log_softmax(rng.normal(size=shape) * 300), dtype=float), atol=1e-9)
''',
28: r'''
report("three sympy expressions", type(dL_dz) in (list, tuple) and len(dL_dz) == 3 and all(isinstance(e, sp.Expr) for e in dL_dz),
       hint="a list of three expressions built from the symbols z1, z2, z3, y1, y2 (y3 = 1 - y1 - y2)")
subs = {z1: 0.5, z2: -1.0, z3: 2.0, y1: 0.2, y2: 0.5}
report("dL/dz at z = (0.5, -1, 2), y = (0.2, 0.5, 0.3)", [float(sp.sympify(e).subs(subs).evalf()) for e in dL_dz], atol=1e-9,
       hint="dL/dz_k = -sum_j y_j / Y_j * dY_j/dz_k = -sum_j y_j (delta_jk - Y_k); the targets sum to one")
''',
29: r'''
rng = np.random.default_rng(6)
values = []
for _ in range(4):
    zv, yv = rng.normal(scale=2.0, size=3), rng.dirichlet(np.ones(3))
    subs = {z1: zv[0], z2: zv[1], z3: zv[2], y1: yv[0], y2: yv[1]}
    values += [float(sp.sympify(e).subs(subs).evalf()) for e in dL_dz]
report("dL/dz at 4 random points", values, atol=1e-9)
''',
})
