from apply import apply
apply("solutions/10_vanishing_gradients.ipynb", {
4: r'''
report("product at z = 0, 0, 0, 0", float(sigmoid_derivative_product([0.0, 0.0, 0.0, 0.0])), atol=1e-10,
       hint="sigma'(z) = sigma(z) (1 - sigma(z)); multiply the factors of all the z values")
report("product at z = 0.5, -1, 2", float(sigmoid_derivative_product([0.5, -1.0, 2.0])), atol=1e-10)
report("bound_10", float(bound_10), atol=0.0, rtol=1e-9, hint="each factor sigma'(z) is at most 1/4, reached at z = 0")
''',
5: r'''
z = np.random.default_rng(4).normal(size=12)
report("product at 12 random z", float(sigmoid_derivative_product(z)), atol=0.0, rtol=1e-9)
report("product at z = 3", float(sigmoid_derivative_product(np.array([3.0]))), atol=1e-10)
''',
8: r'''
grads = [np.array([[3.0, 0.0]]), np.array([4.0])]
clipped, norm = clip_by_norm(grads, 1.0)
report("norm before", float(norm), hint="the joint norm is sqrt of the sum of squares over ALL arrays")
report("clipped", [np.asarray(g, dtype=float) for g in clipped], hint="scale every array by max_norm / norm when norm > max_norm")
report("inputs unchanged", grads[0].tolist() == [[3.0, 0.0]] and grads[1].tolist() == [4.0], hint="return new arrays; do not scale the inputs in place")
small, norm_small = clip_by_norm([np.array([0.3]), np.array([0.4])], 1.0)
report("below the threshold: norm, arrays", [float(norm_small)] + [float(np.ravel(g)[0]) for g in small],
       hint="below max_norm the gradients stay as they are")
''',
9: r'''
rng = np.random.default_rng(1)
grads = [rng.normal(size=(3, 2)) * 10, rng.normal(size=(1, 2)) * 10]
mine, my_norm = clip_by_norm([g.copy() for g in grads], 2.5)
report("norm of two random gradients", float(my_norm))
report("the clipped gradients", [np.asarray(g, dtype=float) for g in mine])
''',
10: r'''
rng = np.random.default_rng(21)
grads = [rng.normal(size=(2, 2)), rng.normal(size=3), rng.normal(size=(1, 1))]
clipped, norm = clip_by_norm(grads, 0.7)
report("norm of three arrays", float(norm))
report("three clipped arrays", [np.asarray(g, dtype=float) for g in clipped])
''',
13: r'''
rng = np.random.default_rng(0)
X, Y = nn.datasets.moons(100, rng)
net = nn.mlp([2, 8, 8, 8, 8, 1], hidden="sigmoid", output="sigmoid", rng=np.random.default_rng(1))
norms = [float(g) for g in weight_gradient_norms(net, nn.BCE(), X, Y)]
report("norms", norms, atol=0.0, rtol=1e-6, hint="one forward pass, loss.gradient, one backward pass; then the norm of each Dense layer's W.grad")
''',
14: r'''
rng = np.random.default_rng(7)
X, Y = rng.normal(size=(30, 3)), rng.normal(size=(30, 2))
net = deep_mlp(3, 5, 4, 2, hidden="tanh", output="linear", rng=np.random.default_rng(2))
report("norms of a tanh network", [float(g) for g in weight_gradient_norms(net, nn.MSE(), X, Y)], atol=0.0, rtol=1e-6)
''',
17: r'''
report("relu, 16 -> 16", float(init_std(16, 16, "relu")), hint="He: sqrt(2 / n_in) for ReLU")
report("tanh, 16 -> 16", float(init_std(16, 16, "tanh")), hint="Xavier: sqrt(2 / (n_in + n_out)) for tanh and sigmoid")
report("sigmoid, 2 -> 16", float(init_std(2, 16, "sigmoid")), hint="Xavier: sqrt(2 / (n_in + n_out)) for tanh and sigmoid")
try:
    init_std(4, 4, "swish")
    outcome = "no error"
except ValueError as error:
    outcome = "ValueError naming the activation" if "swish" in str(error) else "ValueError"
report("'swish'", outcome, hint="raise ValueError for an unknown activation and name it in the message")
''',
18: r'''
report("relu and tanh, 100 -> 50", [float(init_std(100, 50, "relu")), float(init_std(100, 50, "tanh"))])
''',
22: r'''
report("a sympy expression", isinstance(dtanh_dx, sp.Expr),
       hint="build the answer from the symbol x and sympy functions (sp.tanh, sp.exp), not from numbers or numpy")
report("d tanh(x)/dx at x = -1, 0, 0.5, 2", [float(sp.sympify(dtanh_dx).subs(x, v).evalf()) for v in (-1.0, 0.0, 0.5, 2.0)], atol=1e-9,
       hint="the numerator of the quotient rule is (e^x + e^-x)^2 - (e^x - e^-x)^2; divide it by (e^x + e^-x)^2",
       wrong=[([-1.3416198143417388, 0.0, 0.24856489022593714, 0.03467840492898133],
               "that is the sigmoid's pattern sigma (1 - sigma); for tanh the derivative is 1 minus the square of the output")])
''',
23: r'''
expr = sp.sympify(dtanh_dx)
report("d tanh(x)/dx at six points", [float(expr.subs(x, v).evalf()) for v in (-3.0, -1.5, 0.0, 0.4, 2.0, 5.0)], atol=1e-12)
''',
26: r'''
report("a number", type(largest_factor) in (int, float), hint="give a float, for example 0.5 ** 3")
''',
27: r'''
report("the largest factor", float(largest_factor), atol=0.0, rtol=0.01,
       hint="each of the 10 units contributes its own factor sigma'(z) <= 1/4, and the weights are 1",
       wrong=[(3.814697265625e-06, "count the factors again: there is one sigma'(z) for each of the 10 units, including the first"),
              (2.384185791015625e-07, "count the factors again: one sigma'(z) per unit, 10 units"),
              (0.0009765625, "sigma'(z) = sigma(z)(1 - sigma(z)) peaks at z = 0 with sigma = 1/2, so its maximum is 1/4"),
              (1.0, "that is the bound for tanh units; the sigmoid's derivative is at most 1/4"),
              (0.25, "each of the 10 units contributes its own factor sigma'(z) <= 1/4: they multiply")])
''',
})
