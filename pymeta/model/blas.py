"""Reference BLAS (netlib 3.11, the library R and numpy link on this platform) routines
that pymeta's ports of R's optimisers and of metafor's LINPACK calls need, in the order
of operations of the Fortran: ``ddot`` and ``dnrm2`` over Python lists of floats.

Arrays are 0-based Python sequences; ``ix`` is the offset of the first element (unit
strides only, as the callers use them).
"""
from __future__ import annotations

from .nmath import _div, _sqrt

__all__ = ["ddot", "dnrm2"]

_BIG = 1.7976931348623157e308


def ddot(n, x, ix, y, iy):
    """``ddot``: a clean-up loop of ``n mod 5`` products, then five per pass, each pass
    added left to right to the running sum."""
    s = 0.0
    if n <= 0:
        return s
    m = n % 5
    for k in range(m):
        s = s + x[ix + k] * y[iy + k]
    if n < 5:
        return s
    for k in range(m, n, 5):
        a, b = ix + k, iy + k
        s = (s + x[a] * y[b] + x[a + 1] * y[b + 1] + x[a + 2] * y[b + 2]
             + x[a + 3] * y[b + 3] + x[a + 4] * y[b + 4])
    return s


# Blue's scaling constants of the LAPACK 3.10+ dnrm2 (double precision)
_TSML = 2.0 ** -511
_TBIG = 2.0 ** 486
_SSML = 2.0 ** 537
_SBIG = 2.0 ** -538


def dnrm2(n, x, ix):
    """``dnrm2`` of LAPACK >= 3.10 (Anderson's version of Blue's algorithm: three
    scaled accumulators for small, medium and big magnitudes)."""
    if n <= 0:
        return 0.0
    notbig = True
    asml = amed = abig = 0.0
    for i in range(n):
        ax = abs(x[ix + i])
        if ax > _TBIG:
            t = ax * _SBIG
            abig = abig + t * t
            notbig = False
        elif ax < _TSML:
            if notbig:
                t = ax * _SSML
                asml = asml + t * t
        else:
            amed = amed + ax * ax
    if abig > 0.0:
        if amed > 0.0 or amed > _BIG or amed != amed:
            abig = abig + (amed * _SBIG) * _SBIG
        scl = 1.0 / _SBIG
        sumsq = abig
    elif asml > 0.0:
        if amed > 0.0 or amed > _BIG or amed != amed:
            amed = _sqrt(amed)
            asml = _sqrt(asml) / _SSML
            if asml > amed:
                ymin, ymax = amed, asml
            else:
                ymin, ymax = asml, amed
            scl = 1.0
            r = _div(ymin, ymax)
            sumsq = ymax * ymax * (1.0 + r * r)
        else:
            scl = 1.0 / _SSML
            sumsq = asml
    else:
        scl = 1.0
        sumsq = amed
    return scl * _sqrt(sumsq)
