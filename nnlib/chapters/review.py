"""The review questions of the book, from the short answers at the end of Sheet 5 (note 001).

Plain data (no imports): ``book/appendix_review.ipynb`` shows each question with its answer behind
a toggle, and ``nnlib.explorers.review.ReviewQuiz`` turns the same list into an interactive quiz
in Jupyter. Each question is a dict with

- ``key``: a short identifier; ``title``: a heading; ``sheet``: where Sheet 5 asks or answers it;
- ``question``: the question (Markdown);
- ``choices``: answer options for the quiz; ``correct``: the index of the right one;
- ``answer``: the full answer (Markdown), with links into the chapters.
"""

QUESTIONS = [
    {
        "key": "learning-rate",
        "title": "The learning rate",
        "sheet": "question 4",
        "question": "What does the learning rate $\\eta$ control, and what goes wrong when it is too large?",
        "choices": [
            "The number of epochs; too large and training takes too long.",
            "The size of each gradient-descent step; too large and the loss overshoots the minimum, oscillates or diverges.",
            "The size of the mini-batches; too large and the gradient is too noisy.",
        ],
        "correct": 1,
        "answer": (
            "It scales each step, $w \\leftarrow w - \\eta\\, \\partial J/\\partial w$. A larger $\\eta$ can converge faster, "
            "but too large a step overshoots the minimum, and the loss oscillates or grows without bound; "
            "too small a step converges very slowly. See [chapter 9](09_optimizers.ipynb#the-learning-rate)."
        ),
    },
    {
        "key": "mini-batch",
        "title": "Mini-batch gradient descent",
        "sheet": "question 5",
        "question": "Mini-batch gradient descent updates the weights once per batch. Which batch sizes give "
                    "stochastic and full-batch gradient descent, for a training set of $N$ examples?",
        "choices": [
            "Stochastic: batch size 1. Full batch: batch size $N$.",
            "Stochastic: batch size $N$. Full batch: batch size 1.",
            "Stochastic: a random batch size each step. Full batch: batch size $N/2$.",
        ],
        "correct": 0,
        "answer": (
            "Batch size 1 is stochastic gradient descent (one update per example), batch size $N$ is full-batch "
            "gradient descent (one update per epoch). Mini-batches in between converge fast, use little memory "
            "and still vectorise well. See [chapter 9](09_optimizers.ipynb#batch-stochastic-and-mini-batch-gradient-descent)."
        ),
    },
    {
        "key": "output-activation",
        "title": "Activations at the output",
        "sheet": "questions 2, 3 and 6",
        "question": "Which output activation (and loss) suits regression, binary classification and "
                    "multi-class classification?",
        "choices": [
            "Regression: sigmoid + BCE. Binary: linear + MSE. Multi-class: softmax + CCE.",
            "Regression: ReLU + CCE. Binary: softmax + MSE. Multi-class: sigmoid + BCE.",
            "Regression: linear + MSE. Binary: sigmoid + BCE. Multi-class: softmax + CCE.",
        ],
        "correct": 2,
        "answer": (
            "Regression predicts any number: a linear output with MSE. Binary classification predicts one "
            "probability: a sigmoid with binary cross-entropy. Multi-class classification predicts a distribution "
            "over $K$ classes: a softmax with categorical cross-entropy. In all three the output delta is "
            "$\\hat y - y$. See [chapter 4](04_losses.ipynb#which-output-layer-goes-with-which-loss)."
        ),
    },
    {
        "key": "linear-hidden",
        "title": "Linear hidden layers",
        "sheet": "question 6",
        "question": "Why is the linear activation $f(x) = x$ not used in hidden layers?",
        "choices": [
            "Its derivative is zero, so nothing is learned.",
            "A stack of linear layers is itself one linear map $Wx + b$, so the network cannot model non-linear functions.",
            "It is too slow to compute.",
        ],
        "correct": 1,
        "answer": (
            "Two linear layers compose to $W_2(W_1x + b_1) + b_2 = (W_2W_1)x + (W_2b_1 + b_2)$, one linear layer: "
            "depth adds nothing, and the network is no longer a universal approximator. Linear activations "
            "belong in the output layer of a regression network. See "
            "[chapter 2](02_activations.ipynb)."
        ),
    },
    {
        "key": "relu",
        "title": "ReLU and the dying ReLU",
        "sheet": "question 6 and review answer 4",
        "question": "What is the \"dying ReLU\" problem, and what is a common fix?",
        "choices": [
            "A ReLU unit whose input is negative for every example outputs 0 and gets zero gradient, so its weights never change; leaky ReLU keeps a small slope for negative inputs.",
            "ReLU outputs grow without bound; the fix is a sigmoid.",
            "ReLU has a vanishing derivative for large inputs; the fix is tanh.",
        ],
        "correct": 0,
        "answer": (
            "ReLU is cheap and its derivative is 1 for positive inputs (fast learning, the usual choice in hidden "
            "layers, recommended for images). But a unit whose pre-activation is negative on all the data has "
            "derivative 0 everywhere and never recovers. Leaky ReLU, $f(x) = ax$ for $x < 0$, keeps a small "
            "gradient. See [chapter 2](02_activations.ipynb#dying-relu)."
        ),
    },
    {
        "key": "tanh",
        "title": "tanh against sigmoid",
        "sheet": "question 6",
        "question": "How are tanh and the sigmoid related, and why does tanh often train faster?",
        "choices": [
            "$\\tanh(x) = \\sigma(x)^2$; tanh has no vanishing gradient.",
            "$\\tanh(x) = 2\\sigma(2x) - 1$: a rescaled sigmoid, centred at zero, with derivative up to 1 instead of 0.25.",
            "They are unrelated; tanh is faster because it has no exponentials.",
        ],
        "correct": 1,
        "answer": (
            "$\\tanh(x) = 2\\sigma(2x) - 1$. Its outputs are centred at zero and its derivative $\\operatorname{sech}^2 x$ "
            "reaches 1, against $\\sigma' \\le 0.25$, so gradients are stronger; both still saturate for large $|x|$. "
            "See [chapter 2](02_activations.ipynb#tanh-a-rescaled-sigmoid)."
        ),
    },
    {
        "key": "softmax",
        "title": "Softmax",
        "sheet": "question 6 and review answer 2",
        "question": "What does softmax output, and where is it used?",
        "choices": [
            "A probability distribution over the classes (positive numbers summing to 1); in the output layer of a multi-class classifier.",
            "A binary decision; in every hidden layer.",
            "The largest logit; in regression networks.",
        ],
        "correct": 0,
        "answer": (
            "$\\mathrm{softmax}(z)_i = e^{z_i} / \\sum_j e^{z_j}$ turns the logits into a probability distribution. "
            "It is used only in the output layer, for multi-class classification. Computed naively it can overflow; "
            "subtracting $\\max z$ or working with log-softmax makes it stable. See "
            "[chapter 7](07_softmax_backprop.ipynb#log-softmax-and-why-it-is-stable)."
        ),
    },
    {
        "key": "hyperparameters",
        "title": "Which hyperparameters first",
        "sheet": "question 7 and review answer 1",
        "question": "Which hyperparameter matters most, and how should hyperparameters be searched?",
        "choices": [
            "Adam's $\\beta_1, \\beta_2$; by a fine grid over all values.",
            "The number of layers; by trying the defaults only.",
            "The learning rate; by random search, coarse to fine, on suitable (often logarithmic) ranges.",
        ],
        "correct": 2,
        "answer": (
            "A good order: the learning rate; then momentum, the number of hidden units and the mini-batch "
            "size; then the number of layers and the learning-rate decay; Adam's parameters last. Search at "
            "random rather than on a grid (each trial then tries a new value of the important parameter), first "
            "over wide ranges, then narrower around the best. See "
            "[chapter 9](09_optimizers.ipynb#which-hyperparameters-to-tune-first)."
        ),
    },
    {
        "key": "splits",
        "title": "Training, validation and test sets",
        "sheet": "question 8",
        "question": "What is each of the three data sets for, and how large should they be?",
        "choices": [
            "Train to fit the weights, validation to choose hyperparameters and models, test for one final estimate; 60/20/20, or 98/1/1 for a huge data set.",
            "Train and test are the same set; validation is optional; always 50/25/25.",
            "Test to choose hyperparameters, validation for the final estimate; always 98/1/1.",
        ],
        "correct": 0,
        "answer": (
            "The training set fits the parameters, the validation set is used to choose between models "
            "(hyperparameters, when to stop), and the test set estimates the chosen model's error once, at the end. "
            "60/20/20 is a good default; for a gigantic data set 1% is already many examples, so 98/1/1. See "
            "[chapter 11](11_training_in_practice.ipynb#three-data-sets-three-jobs)."
        ),
    },
    {
        "key": "overfitting",
        "title": "Overfitting and underfitting",
        "sheet": "question 9",
        "question": "A model scores high on its training data and low on test data. Is it overfitting or underfitting, and is the problem bias or variance?",
        "choices": [
            "Underfitting, high bias.",
            "Overfitting, high variance: it models the noise of its training set.",
            "Neither: the test set is too small.",
        ],
        "correct": 1,
        "answer": (
            "Overfitting: high variance, the model follows the noise of its particular training set (a degree-$n$ "
            "polynomial through $n + 1$ points). Underfitting is low performance on both: high bias, wrong "
            "assumptions (a line through non-linear data). See "
            "[chapter 11](11_training_in_practice.ipynb#underfitting-and-overfitting)."
        ),
    },
    {
        "key": "regularisation",
        "title": "Remedies for overfitting",
        "sheet": "question 14 and review answer 8",
        "question": "A network overfits. What are the usual remedies?",
        "choices": [
            "A larger learning rate and more epochs.",
            "More hidden layers and no validation set.",
            "More training data, L2 regularisation and dropout (and a smaller network, fewer features, early stopping).",
        ],
        "correct": 2,
        "answer": (
            "More training data first. Then L2 regularisation (a penalty $\\frac\\lambda2\\sum W^2$, i.e. weight decay) "
            "and dropout, the two kinds of regularisation of chapter 11; also a smaller network, fewer features, "
            "and early stopping. See [chapter 11](11_training_in_practice.ipynb#l2-regularisation)."
        ),
    },
    {
        "key": "momentum",
        "title": "Momentum",
        "sheet": "question 13",
        "question": "What does gradient descent with momentum do differently from plain gradient descent?",
        "choices": [
            "It steps along an exponentially weighted average of the current and past gradients, which smooths out oscillations.",
            "It doubles the learning rate every epoch.",
            "It uses only the sign of the gradient.",
        ],
        "correct": 0,
        "answer": (
            "$m_t = \\beta m_{t-1} + (1 - \\beta) g_t$, $w \\leftarrow w - \\eta m_t$: the step follows a running average "
            "of gradients, weighted towards recent ones. Components that flip sign cancel, consistent ones add up. "
            "See [chapter 9](09_optimizers.ipynb#gradient-descent-with-momentum)."
        ),
    },
    {
        "key": "depth",
        "title": "More hidden layers",
        "sheet": "review answer 3",
        "question": "What happens as the number of hidden layers grows?",
        "choices": [
            "Training always gets faster and overfitting disappears.",
            "The network can learn more complex features, but it trains more slowly, may overfit, and its gradients may vanish or explode.",
            "Nothing changes: depth does not matter.",
        ],
        "correct": 1,
        "answer": (
            "More layers learn more complex relations and features, at a cost: more time per epoch, slower "
            "convergence, more risk of overfitting, and vanishing or exploding gradients. See "
            "[chapter 10](10_vanishing_gradients.ipynb)."
        ),
    },
    {
        "key": "boolean",
        "title": "One hidden layer for any boolean function",
        "sheet": "the XOR and XNOR questions and review answer 10",
        "question": "Why is one hidden layer of step units enough to compute any boolean function?",
        "choices": [
            "Because step units are linear.",
            "Because every boolean function is a sum (OR) of products (ANDs): one hidden unit per product, an OR unit at the output.",
            "It is not: XOR needs two hidden layers.",
        ],
        "correct": 1,
        "answer": (
            "Write the function as a sum of products, one product per row of the truth table where it is 1. Each "
            "product is one hidden step unit (weights $+1$ on plain inputs, $-1$ on negated ones, and a bias), and "
            "the output unit is an OR. XOR and XNOR need two hidden units. See "
            "[chapter 8](08_xor_xnor.ipynb#why-one-hidden-layer-is-enough)."
        ),
    },
    {
        "key": "perceptron-convergence",
        "title": "When the perceptron stops",
        "sheet": "not in the sheet (chapter 1)",
        "question": "On which data is the perceptron learning rule guaranteed to stop after finitely many updates?",
        "choices": [
            "On any data, if the learning rate is small enough.",
            "On linearly separable data: some line (hyperplane) puts every example on its correct side.",
            "Only on data with exactly two features.",
        ],
        "correct": 1,
        "answer": (
            "On linearly separable data it stops after at most $(R/\\gamma)^2$ updates, whatever its learning rate "
            "(Novikoff's theorem); on data no line separates, such as XOR, every epoch meets a mistake and it never "
            "stops. See [chapter 1](01_neuron_perceptron.ipynb#when-does-the-perceptron-stop-convergence-and-xor)."
        ),
    },
    {
        "key": "cross-entropy",
        "title": "Why cross-entropy",
        "sheet": "part (b)",
        "question": "Why is binary cross-entropy the natural loss for a network with a sigmoid output?",
        "choices": [
            "Because it is the squared error of the probabilities.",
            "Because it is bounded, so no example can dominate the cost.",
            "Because it is the negative log-likelihood of a yes/no label whose probability is the sigmoid's output, and after the sigmoid its gradient at the logit is simply $\\hat y - y$.",
        ],
        "correct": 2,
        "answer": (
            "Minimising BCE is maximum-likelihood estimation for a Bernoulli label with $P(y = 1) = \\hat y$. After a "
            "sigmoid, its derivative with respect to the logit is $\\hat y - y$, and it is convex in the logit, so "
            "logistic regression has one minimum. It is unbounded on purpose: a confident wrong answer costs a lot. "
            "See [chapter 4](04_losses.ipynb#bce-from-the-bernoulli-likelihood)."
        ),
    },
    {
        "key": "initial-cost",
        "title": "The cost before training",
        "sheet": "not in the sheet (chapter 4)",
        "question": "A softmax classifier for 10 classes, with small random weights, reports a cross-entropy cost of 9.2 "
                    "before its first update. What do you conclude?",
        "choices": [
            "Nothing: any starting cost is fine.",
            "Something is wrong: with near-equal probabilities the cost should be close to $\\ln 10 \\approx 2.3$; check the labels, the loss and the scale of the initial weights.",
            "The learning rate is too small.",
        ],
        "correct": 1,
        "answer": (
            "With small weights every class gets a probability close to $1/K$, so the cross-entropy of every example "
            "is close to $\\ln K$, here $\\ln 10 \\approx 2.3$. A first cost far from it points to a bug (wrong labels, "
            "a loss fed the wrong inputs, weights far too large) before any training has happened. See "
            "[chapter 4](04_losses.ipynb#on-real-data-the-cost-of-a-digit-classifier)."
        ),
    },
    {
        "key": "vanishing",
        "title": "Vanishing gradients",
        "sheet": "question 6",
        "question": "Why do the first layers of a deep network of sigmoid units learn very slowly?",
        "choices": [
            "Because the sigmoid is not differentiable at 0.",
            "Because backpropagation multiplies the gradient by $\\sigma'(z) \\le 1/4$ once per layer, so it shrinks geometrically on its way to the first layers.",
            "Because the first layers have fewer weights.",
        ],
        "correct": 1,
        "answer": (
            "The sigmoid's derivative is at most $0.25$ (at $z = 0$) and tiny for a saturated unit. Each layer the "
            "gradient passes back through multiplies it by such a factor (and by the weights), so with many layers "
            "the gradient that reaches the first ones vanishes. ReLU, a careful initialisation, normalisation and "
            "residual connections are the remedies. See [chapter 2](02_activations.ipynb#the-sigmoid-and-its-derivative) "
            "and [chapter 10](10_vanishing_gradients.ipynb)."
        ),
    },
]
