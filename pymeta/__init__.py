"""pymeta: R meta's pooling methods in Python, with numeric parity to R proven by tests.

Public API: :func:`metagen`, :func:`metacont`, :func:`metabin`, :func:`metamean`,
:func:`metacor` and their result classes.
Arguments and fields are R meta's names with "." replaced by "_"; ``result.to_dict()``
returns R's dotted names.
"""
from .api.metabin import metabin
from .api.metacont import metacont
from .api.metacor import metacor
from .api.metagen import metagen
from .api.metamean import metamean
from .api.metainf import metacum, metainf
from .api._args import MetaWarning
from .result import Meta, MetaBin, MetaCont, MetaCor, MetaCum, MetaGen, MetaInf, MetaMean

__version__ = "0.1.0"
#: The R meta version whose results pymeta reproduces.
R_META_VERSION = "8.5-0"

__all__ = ["metagen", "metacont", "metabin", "metamean", "metacor", "Meta", "MetaGen",
           "MetaCont", "MetaBin", "MetaMean", "MetaCor", "metainf", "metacum", "MetaInf",
           "MetaCum",
           "MetaWarning", "R_META_VERSION", "__version__"]
