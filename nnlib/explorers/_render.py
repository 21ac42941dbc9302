"""What every explorer needs: a figure turned into PNG bytes for an ipywidgets Image."""

import io

import matplotlib.pyplot as plt


def figure_to_png(fig, dpi=90):
    """Render ``fig`` to PNG bytes and close it.

    The explorers show their figures in an Image widget rather than an Output widget: an
    Image needs no captured output, so the notebooks also run headless (nbclient, nbval).
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()
