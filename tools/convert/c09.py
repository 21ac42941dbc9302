from apply import apply, choice_cells
P = "solutions/09_optimizers.ipynb"
ch = {
4: r'''
w, m, v = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
w1, m1, v1 = adam_step(w, np.array([0.5, -4.0]), m, v, t=1, lr=0.1)
report("w after step 1", np.asarray(w1, dtype=float), hint="the bias-corrected m_hat = m / (1 - beta1^t) and v_hat = v / (1 - beta2^t): at t = 1 the step is about lr * sign(g)")
report("m after step 1", np.asarray(m1, dtype=float), hint="m = beta1 m + (1 - beta1) g")
report("v after step 1", np.asarray(v1, dtype=float), hint="v = beta2 v + (1 - beta2) g^2 (the square, elementwise)")
report("inputs unchanged", w.tolist() == [1.0, -2.0] and m.tolist() == [0.0, 0.0], hint="return new arrays; do not update w, m, v in place")
''',
5: r'''
# ten steps on random gradients
rng = np.random.default_rng(0)
w, m, v = rng.normal(size=3), np.zeros(3), np.zeros(3)
for t in range(1, 11):
    w, m, v = adam_step(w, rng.normal(size=3), m, v, t, lr=0.05)
report("w after 10 steps", np.asarray(w, dtype=float), atol=1e-12, hint="t counts from 1; correct both moments by 1 - beta^t with the step number t")
''',
6: r'''
rng = np.random.default_rng(11)
w, m, v = rng.normal(size=(2, 2)), np.zeros((2, 2)), np.zeros((2, 2))
for t in range(1, 6):
    w, m, v = adam_step(w, rng.normal(size=(2, 2)), m, v, t, lr=0.2, beta1=0.8, beta2=0.99, eps=1e-6)
report("w, m, v after 5 steps with other hyperparameters", np.asarray([w, m, v], dtype=float), atol=1e-9)
''',
9: r'''
w_a, m_a = np.array([1.0]), np.zeros(1)
w_c, m_c = np.array([1.0]), np.zeros(1)
for g in (2.0, -1.0, 0.5):
    w_a, m_a = momentum_step(w_a, np.array([g]), m_a, lr=0.1, beta=0.9, form="average")
    w_c, m_c = momentum_step(w_c, np.array([g]), m_c, lr=0.1, beta=0.9, form="classic")
report("average form: w, m after 3 steps", [float(np.ravel(w_a)[0]), float(np.ravel(m_a)[0])], hint="average form: m = beta m + (1 - beta) g, then w - lr m")
report("classic form: w, m after 3 steps", [float(np.ravel(w_c)[0]), float(np.ravel(m_c)[0])], hint="classic form: m = beta m + g, then w - lr m")
report("lr_average", float(lr_average), hint="the average form's m is (1 - beta) times the classic one: scale lr by 1 / (1 - beta)",
       wrong=[(0.0005, "the other way round: the average form's velocity is smaller by (1 - beta), so its learning rate must be larger")])
''',
10: r'''
rng = np.random.default_rng(5)
w_a = rng.normal(size=4)
m_a = np.zeros(4)
for _ in range(8):
    w_a, m_a = momentum_step(w_a, rng.normal(size=4), m_a, lr=float(lr_average), beta=0.95, form="average")
report("w after 8 average-form steps with lr_average", np.asarray(w_a, dtype=float), atol=1e-9)
''',
13: r'''
w, s = np.array([0.0, 0.0]), np.zeros(2)
for _ in range(3):
    w, s = rmsprop_step(w, np.array([1e-3, 10.0]), s, lr=0.01)
report("w after 3 steps", np.asarray(w, dtype=float), hint="divide g by sqrt(s) + eps, where s = beta s + (1 - beta) g^2 is updated first")
report("s after 3 steps", np.asarray(s, dtype=float), atol=1e-10, hint="s = beta s + (1 - beta) g^2")
''',
14: r'''
rng = np.random.default_rng(9)
w, s = rng.normal(size=(2, 3)), np.zeros((2, 3))
for _ in range(6):
    w, s = rmsprop_step(w, rng.normal(size=(2, 3)) * 1e-3, s, lr=0.03, beta=0.8, eps=1e-4)
report("w after 6 steps with small gradients, eps = 1e-4", np.asarray(w, dtype=float), atol=1e-12)
''',
17: r'''
draws = np.asarray(log_uniform(1e-4, 1.0, 40000, np.random.default_rng(0)), dtype=float)
report("shape", list(draws.shape))
report("inside [1e-4, 1]", bool(draws.min() >= 1e-4 and draws.max() <= 1.0))
report("share of each decade 1e-4 ... 1", [float(np.mean((draws >= 10.0**k) & (draws < 10.0 ** (k + 1)))) for k in (-4, -3, -2, -1)],
       atol=0.01, hint="draw the exponent uniformly: 10 ** rng.uniform(log10(low), log10(high), size=n)")
try:
    log_uniform(0.0, 1.0, 3, np.random.default_rng(0))
    outcome = "no error"
except ValueError as error:
    outcome = "ValueError naming low" if "low" in str(error) else "ValueError"
report("low = 0", outcome, hint="raise ValueError when not 0 < low < high, and name low in the message")
''',
18: r'''
draws = np.asarray(log_uniform(0.5, 500.0, 30000, np.random.default_rng(3)), dtype=float)
report("shape", list(draws.shape))
report("min, max >= 0.5, <= 500", [bool(draws.min() >= 0.5), bool(draws.max() <= 500.0)])
report("mean of log10 and median", [float(np.mean(np.log10(draws))), float(np.median(draws))], atol=0.5, rtol=0.02)
try:
    log_uniform(2.0, 1.0, 3, np.random.default_rng(0))
    outcome = "no error"
except ValueError as error:
    outcome = "ValueError naming low" if "low" in str(error) else "ValueError"
report("low > high", outcome)
''',
25: r'''
report("a number", type(c) in (int, float), hint="give a float, for example c = 2.5")
''',
26: r'''
report("c", float(c), rtol=0.01, atol=0.0, hint="write v_1, v_2, v_3 with a constant g and sum the geometric series",
       wrong=[(1.0, "that is the limit of the averaged form v_t = beta v_(t-1) + (1 - beta) g_t; this form has no (1 - beta), so the sum 1 + beta + beta^2 + ... is not scaled down"),
              (9.0, "the current gradient counts too: v_t = g (1 + beta + ... + beta^(t-1)), whose limit is 1 / (1 - beta)"),
              (0.9, "beta is the weight of the old velocity, not the limit; sum the geometric series 1 + beta + beta^2 + ..."),
              (0.1, "the series 1 + beta + beta^2 + ... sums to 1 / (1 - beta), not to 1 - beta")])
''',
}
ch.update(choice_cells(P, 21, 22))
apply(P, ch)
