"""Reference results from R's meta (rpy2 bridge in .bridge; pins in .versions)."""
