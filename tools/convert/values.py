"""Exercises whose answer is a value computed by hand: the visible check must not show that value
(the student would copy it); it reports the answer's form, the hidden check reports the values."""
from apply import apply

apply("solutions/01_neuron_perceptron.ipynb", {
4: r'''
report("f_values: four numbers; perceptron_mean, hinge_mean: numbers",
       type(f_values) in (list, tuple) and len(f_values) == 4 and all(type(v) in (int, float) for v in f_values)
       and all(type(v) in (int, float) for v in (perceptron_mean, hinge_mean)),
       hint="f_values = [f1, f2, f3, f4] (a list of four numbers), and two numbers")
''',
5: r'''
report("f values", [float(v) for v in f_values], atol=1e-4, hint="f = w . x + b for each of the four rows, with w = (0.5, -0.5), b = 1")
report("mean perceptron loss", float(perceptron_mean), atol=1e-4, hint="the perceptron loss of a row is max(0, -y f); average over the four rows")
report("mean hinge loss", float(hinge_mean), atol=1e-4, hint="the hinge loss of a row is max(0, 1 - y f); average over the four rows")
''',
})
apply("solutions/02_activations.ipynb", {
4: r'''
report("three numbers and a list of three", all(type(v) in (int, float) for v in (sigma_ln3, dsigma_ln3, dtanh_0))
       and type(softmax_ln123) in (list, tuple) and len(softmax_ln123) == 3, hint="numbers, or arithmetic such as 3 / 4")
''',
5: r'''
report("sigma(ln 3)", float(sigma_ln3), atol=1e-5, hint="sigma(ln 3) = 1 / (1 + e^(-ln 3)) = 1 / (1 + 1/3)")
report("sigma'(ln 3)", float(dsigma_ln3), atol=1e-5, hint="sigma' = sigma (1 - sigma), at ln 3: (3/4)(1/4)")
report("tanh'(0)", float(dtanh_0), atol=1e-5, hint="tanh' = 1 - tanh^2, and tanh(0) = 0")
report("softmax(ln 1, ln 2, ln 3)", [float(v) for v in softmax_ln123], atol=1e-5, hint="e^(ln k) = k, so the softmax is (1, 2, 3) / 6")
''',
})
apply("solutions/03_forward_propagation.ipynb", {
4: r'''
report("X1: two numbers; Y2: a number", len(np.ravel(np.asarray(X1_by_hand, dtype=float))) == 2 and type(float(Y2_by_hand)) is float,
       hint="X1_by_hand = [x1, x2] and Y2_by_hand = a number")
''',
5: r'''
report("X1", [float(v) for v in np.ravel(np.asarray(X1_by_hand, dtype=float))], atol=5e-5, hint="X1 = W1 U: row i of W1 times U, biases are zero")
report("Y2", float(Y2_by_hand), atol=5e-5, hint="Y1 = sigmoid(X1), then Y2 = sigmoid(W2 Y1)")
''',
})
apply("solutions/04_losses.ipynb", {
4: r'''
report("five numbers", all(type(v) in (int, float) for v in (mse_value, huber_value, bce_value, cce_value, hinge_value)),
       hint="numbers, or arithmetic on them such as -math.log(0.8)")
''',
5: r'''
report("MSE", float(mse_value), hint="(p - y)^2 for one sample")
report("Huber", float(huber_value), hint="Huber with |e| > delta is delta |e| - delta^2 / 2")
report("BCE", float(bce_value), hint="BCE is -log p when y = 1")
report("CCE", float(cce_value), hint="CCE is -log of the true class's probability")
report("hinge", float(hinge_value), hint="hinge is max(0, 1 - y f), here y = -1")
''',
})
apply("solutions/05_backpropagation.ipynb", {
5: r'''
report("two numbers", all(type(v) in (int, float) for v in (delta_o1, dE_dw6)), hint="numbers, or arithmetic on the printed numbers")
''',
6: r'''
report("delta_o1", float(delta_o1), hint="delta_o1 = (out_o1 - target_o1) * out_o1 * (1 - out_o1): the error times sigma'(net_o1)")
report("dE_dw6", float(dE_dw6), hint="dE/dw6 = delta_o1 times the input that w6 multiplies, out_h2 (not out_h1)")
''',
})
apply("solutions/07_softmax_backprop.ipynb", {
8: r'''
report("shapes of grad_logits, loss, grad_W", [list(np.shape(grad_logits)), list(np.shape(loss)), list(np.shape(grad_W))],
       hint="grad_logits: three numbers; loss: a number; grad_W: a 2 x 3 array")
''',
9: r'''
report("grad_logits", np.asarray(grad_logits, dtype=float), atol=1e-9, hint="dL/dz = a - y")
report("loss", float(loss), atol=1e-9, hint="L = -log of the true class's probability")
report("grad_W", np.asarray(grad_W, dtype=float), atol=1e-9, hint="dL/dW = x^T (a - y), an outer product of x = (2, -1) and a - y")
''',
})
