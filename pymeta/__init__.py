"""pymeta: R meta's pooling methods in Python, with numeric parity to R proven by tests.

Public API: :func:`metagen`, :func:`metacont`, :func:`metabin`, :func:`metamean`,
:func:`metacor`, :func:`metaprop`, :func:`metainc`, :func:`metarate` and their
result classes.
Arguments and fields are R meta's names with "." replaced by "_"; ``result.to_dict()``
returns R's dotted names.
"""
from .api.metabin import metabin
from .api.metacont import metacont
from .api.metacor import metacor
from .api.metagen import metagen
from .api.metamean import metamean
from .api.metaprop import metaprop
from .api.metainc import metainc
from .api.metarate import metarate
from .api.metainf import metacum, metainf
from .api._args import MetaWarning
from .result import (Meta, MetaBin, MetaCont, MetaCor, MetaCum, MetaGen, MetaInc, MetaInf,
                     MetaMean, MetaProp, MetaRate)

__version__ = "0.1.0"
#: The R meta version whose results pymeta reproduces.
R_META_VERSION = "8.5-0"

__all__ = ["metagen", "metacont", "metabin", "metamean", "metacor", "metaprop", "metainc",
           "metarate", "metainf", "metacum", "Meta", "MetaGen",
           "MetaCont", "MetaBin", "MetaMean", "MetaCor", "MetaProp", "MetaInc", "MetaRate",
           "MetaInf", "MetaCum",
           "MetaWarning", "R_META_VERSION", "__version__"]
