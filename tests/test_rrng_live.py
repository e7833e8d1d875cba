"""R's random number generator in pymeta (pymeta/model/rrng.py) against R itself.

meta's NNF prediction interval is a bootstrap drawn with R's generator after
``set.seed(seed.predict)``; pymeta reproduces the stream draw for draw. Each test asks R
for a stream (uniforms, normals by inversion, exponentials, gamma variates on both of
R's algorithms and all three constant sets of GD, chi-squares, t variates) and requires
the same doubles, exactly.
"""
import numpy as np
import pytest

from pymeta.model.rrng import RRandom

pytestmark = pytest.mark.r

SEEDS = [1, 42, -7, 123456789, 2147483647, 0]


def _r(r_meta, code: str) -> np.ndarray:
    import rpy2.robjects as ro
    return np.asarray(ro.r(code), dtype=float)


@pytest.mark.parametrize("seed", SEEDS)
def test_stream_equals_r(r_meta, seed):
    g = RRandom(seed)
    ours = np.concatenate([
        g.uniforms(5), g.normals(2000), [g.exp_rand() for _ in range(1000)],
        [g.rgamma(0.3, 1.0) for _ in range(300)], [g.rgamma(2.0, 2.0) for _ in range(300)],
        [g.rgamma(8.0, 1.0) for _ in range(300)], [g.rgamma(40.0, 0.5) for _ in range(300)],
        [g.rchisq(3.0) for _ in range(300)],
        g.t_draws(1000, 1.0), g.t_draws(1000, 2.0), g.t_draws(1000, 9.0),
        [g.unif_rand() for _ in range(3)]])
    theirs = _r(r_meta, f"set.seed({seed}); c(runif(5), rnorm(2000), rexp(1000), "
                        "rgamma(300, 0.3), rgamma(300, 2, scale = 2), rgamma(300, 8), "
                        "rgamma(300, 40, scale = 0.5), rchisq(300, 3), rt(1000, 1), "
                        "rt(1000, 2), rt(1000, 9), runif(3))")
    assert ours.shape == theirs.shape
    assert np.array_equal(ours, theirs), np.flatnonzero(ours != theirs)[:10]


def test_stream_crosses_mt_blocks(r_meta):
    """More than one Mersenne-Twister block (624 words) and pymeta's own buffer (8192)."""
    g = RRandom(99)
    ours = np.concatenate([g.uniforms(10000), g.normals(7000)])
    theirs = _r(r_meta, "set.seed(99); c(runif(10000), rnorm(7000))")
    assert np.array_equal(ours, theirs)


def test_qnorm_unit_equals_r(r_meta):
    """The array quantile behind ``normals`` against R's ``qnorm`` on every branch of AS 241
    (the central region, both tails with r <= 5 and r > 5, the region edges, p near 0
    and 1), as doubles sent to R in hexadecimal."""
    from pymeta.model.nmath import qnorm_unit
    rng = np.random.default_rng(7)
    p = np.concatenate([rng.random(20000), 10.0 ** rng.uniform(-300, -1, 5000),
                        1 - 10.0 ** rng.uniform(-16, -1, 5000),
                        [0.5, 0.075, 0.925, np.nextafter(0.075, 0), np.nextafter(0.925, 1),
                         1e-300, 5e-324, np.nextafter(1, 0)]])
    p = p[(p > 0) & (p < 1)]
    hexes = ",".join(float(v).hex() for v in p)
    theirs = _r(r_meta, f"qnorm(as.numeric(strsplit('{hexes}', ',')[[1]]))")
    ours = qnorm_unit(p)
    assert np.array_equal(ours, theirs), np.flatnonzero(ours != theirs)[:10]
