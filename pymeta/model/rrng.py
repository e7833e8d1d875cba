"""R's default random number generator, draw for draw.

R meta's ``method.predict = "NNF"`` calls ``pimeta::pima(..., method = "boot",
seed = seed.predict)``, a parametric bootstrap whose numbers come from R's generator
after ``set.seed(seed.predict)``. Reproducing that interval needs the same stream, so this
module is R's (>= 3.6.0) defaults, ``RNGkind("Mersenne-Twister", "Inversion",
"Rejection")``, written from R's sources (src/main/RNG.c, src/nmath/snorm.c, sexp.c,
rgamma.c, rchisq.c, rt.c):

* ``set.seed(s)``: 50 rounds of the LCG ``seed = 69069 * seed + 1`` (32-bit), then 625
  more filling ``dummy[0..624]``; ``dummy[0]`` (the position) is set to 624 and
  ``dummy[1..624]`` is the Mersenne-Twister state;
* ``unif_rand``: MT19937's 32-bit output times 2.3283064365386963e-10, moved off 0 and 1
  by half of 1/(2^32 - 1) (``fixup``);
* ``norm_rand`` (inversion): ``u = (int)(2^27 * U1) + U2``, ``qnorm(u / 2^27)``;
* ``exp_rand``: Ahrens & Dieter (1972) algorithm SA;
* ``rgamma(a, scale)``: Ahrens & Dieter GD (1982) for a >= 1, GS (1974) for a < 1;
* ``rchisq(df) = rgamma(df / 2, 2)``; ``rt(df) = norm_rand() / sqrt(rchisq(df) / df)``.

The Mersenne Twister itself is numpy's :class:`numpy.random.MT19937` (the same
recurrence and tempering), loaded with R's state. ``qnorm`` is the bit-identical port in
:mod:`.nmath`. One :class:`RRandom` object is one R session's stream (no global state).
"""
from __future__ import annotations

import math
import secrets

import numpy as np

from . import nmath

__all__ = ["RRandom"]

_MASK = 0xFFFFFFFF
_I2_32M1 = 2.328306437080797e-10         # 1 / (2^32 - 1)
_TO_UNIT = 2.3283064365386963e-10        # 2^-32
_BIG = 134217728.0                       # 2^27
_BLOCK = 8192

# sexp.c: q[k-1] = sum(log(2)^j / j!, j = 1..k)
_EXP_Q = (0.6931471805599453, 0.9333736875190459, 0.9888777961838675,
          0.9984959252914960040, 0.9998292811061389, 0.9999833164100727,
          0.9999985691438767, 0.9999998906925558, 0.9999999924734159,
          0.9999999995283275, 0.9999999999728814, 0.9999999999985598,
          0.9999999999999289, 0.9999999999999968, 0.9999999999999999,
          1.0000000000000000)


def _r_seed_state(seed: int) -> np.ndarray:
    """The 624 Mersenne-Twister words ``set.seed(seed)`` leaves (RNG.c, RNG_Init)."""
    s = int(seed) & _MASK
    for _ in range(50):
        s = (69069 * s + 1) & _MASK
    words = np.empty(625, dtype=np.uint32)
    for j in range(625):
        s = (69069 * s + 1) & _MASK
        words[j] = s
    return words[1:]                     # dummy[0] is the position, reset to 624


class RRandom:
    """One stream of R's default generator, started by ``set.seed(seed)``.

    ``seed = None`` is ``set.seed(NULL)``: a fresh, unpredictable start, as in R.
    """

    def __init__(self, seed: int | None = None):
        if seed is None:
            seed = secrets.randbits(32)
        self.seed = int(seed)
        self._bg = np.random.MT19937(0)
        self._bg.state = {"bit_generator": "MT19937",
                          "state": {"key": _r_seed_state(self.seed), "pos": 624}}
        self._buf = np.empty(0)
        self._pos = 0

    # -- uniforms ---------------------------------------------------------------------
    def _refill(self) -> None:
        raw = self._bg.random_raw(_BLOCK).astype(np.float64) * _TO_UNIT
        raw[raw <= 0.0] = 0.5 * _I2_32M1
        raw[(1.0 - raw) <= 0.0] = 1.0 - 0.5 * _I2_32M1
        self._buf = raw
        self._pos = 0

    def unif_rand(self) -> float:
        if self._pos >= self._buf.size:
            self._refill()
        u = float(self._buf[self._pos])
        self._pos += 1
        return u

    def uniforms(self, n: int) -> np.ndarray:
        """``n`` successive ``unif_rand()`` values (R's ``runif(n)``; they lie in (0, 1),
        so Rcpp's and R's rejection of 0 and 1 never applies)."""
        out = np.empty(n)
        i = 0
        while i < n:
            if self._pos >= self._buf.size:
                self._refill()
            m = min(n - i, self._buf.size - self._pos)
            out[i:i + m] = self._buf[self._pos:self._pos + m]
            self._pos += m
            i += m
        return out

    # -- normal, exponential ----------------------------------------------------------
    def norm_rand(self) -> float:
        u = self.unif_rand()
        u = float(int(_BIG * u)) + self.unif_rand()
        return nmath.qnorm(u / _BIG)

    def normals(self, n: int) -> np.ndarray:
        """``n`` successive ``norm_rand()`` values (R's ``rnorm(n)``)."""
        u = self.uniforms(2 * n)
        v = (np.trunc(_BIG * u[0::2]) + u[1::2]) / _BIG
        return nmath.qnorm_unit(v)

    def exp_rand(self) -> float:
        a = 0.0
        u = self.unif_rand()
        while u <= 0.0 or u >= 1.0:
            u = self.unif_rand()
        while True:
            u += u
            if u > 1.0:
                break
            a += _EXP_Q[0]
        u -= 1.0
        if u <= _EXP_Q[0]:
            return a + u
        i = 0
        ustar = self.unif_rand()
        umin = ustar
        while True:
            ustar = self.unif_rand()
            if umin > ustar:
                umin = ustar
            i += 1
            if not u > _EXP_Q[i]:
                break
        return a + umin * _EXP_Q[0]

    # -- gamma, chi-squared, t ----------------------------------------------------------
    def rgamma(self, a: float, scale: float) -> float:
        """R's ``rgamma(1, shape = a, scale = scale)`` (nmath/rgamma.c)."""
        if math.isnan(a) or math.isnan(scale):
            return math.nan
        if a <= 0.0 or scale <= 0.0:
            if scale == 0.0 or a == 0.0:
                return 0.0
            return math.nan
        if not math.isfinite(a) or not math.isfinite(scale):
            return math.inf
        if a < 1.0:                                          # GS
            e = 1.0 + 0.36787944117144232159 * a
            while True:
                p = e * self.unif_rand()
                if p >= 1.0:
                    x = -math.log((e - p) / a)
                    if self.exp_rand() >= (1.0 - a) * math.log(x):
                        break
                else:
                    x = math.exp(math.log(p) / a)
                    if self.exp_rand() >= x:
                        break
            return scale * x
        # GD, steps 1-2
        s2 = a - 0.5
        s = math.sqrt(s2)
        d = 5.656854 - s * 12.0
        t = self.norm_rand()
        x = s + 0.5 * t
        ret_val = x * x
        if t >= 0.0:
            return scale * ret_val
        u = self.unif_rand()                                 # step 3
        if d * u <= t * t * t:
            return scale * ret_val
        r = 1.0 / a                                          # step 4
        q0 = ((((((2.424e-4 * r + 2.4511e-4) * r + -7.388e-5) * r + 0.00144121) * r
                + 0.00801191) * r + 0.02083148) * r + 0.04166669) * r
        if a <= 3.686:
            b = 0.463 + s + 0.178 * s2
            si = 1.235
            c = 0.195 / s - 0.079 + 0.16 * s
        elif a <= 13.022:
            b = 1.654 + 0.0076 * s2
            si = 1.68 / s + 0.275
            c = 0.062 / s + 0.024
        else:
            b = 1.77
            si = 0.75
            c = 0.1515 / s
        if x > 0.0:                                          # steps 5-7
            q = self._gd_q(t, s, s2, q0)
            if math.log(1.0 - u) <= q:
                return scale * ret_val
        while True:                                          # steps 8-11
            e = self.exp_rand()
            u = self.unif_rand()
            u = u + u - 1.0
            t = b - si * e if u < 0.0 else b + si * e
            if t >= -0.71874483771719:
                q = self._gd_q(t, s, s2, q0)
                if q > 0.0:
                    w = math.expm1(q)
                    if c * abs(u) <= w * math.exp(e - 0.5 * t * t):
                        break
        x = s + 0.5 * t
        return scale * x * x

    @staticmethod
    def _gd_q(t: float, s: float, s2: float, q0: float) -> float:
        v = t / (s + s)
        if abs(v) <= 0.25:
            return q0 + 0.5 * t * t * ((((((0.1233795 * v + -0.1367177) * v + 0.1423657) * v
                                          + -0.1662921) * v + 0.2000062) * v + -0.250003)
                                        * v + 0.3333333) * v
        return q0 - s * t + 0.25 * t * t + (s2 + s2) * math.log(1.0 + v)

    def rchisq(self, df: float) -> float:
        if not math.isfinite(df) or df < 0.0:
            return math.nan
        return self.rgamma(df / 2.0, 2.0)

    def rt(self, df: float) -> float:
        if math.isnan(df) or df <= 0.0:
            return math.nan
        if not math.isfinite(df):
            return self.norm_rand()
        num = self.norm_rand()
        return num / math.sqrt(self.rchisq(df) / df)

    def t_draws(self, n: int, df: float) -> np.ndarray:
        """``n`` successive ``rt(df)`` values (R's ``rt(n, df)``)."""
        return np.array([self.rt(df) for _ in range(n)])
