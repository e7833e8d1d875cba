# R side of the pymeta reference bridge (sourced by pymeta/reference/bridge.py).
#
# pymeta_ref_run(fun, args, fields)
#   Calls meta::<fun> with the named list `args` and returns
#     ok       TRUE if the call returned, FALSE if it raised an error
#     error    the error message, or NA
#     warnings character vector of warning messages (muffled, in order)
#     messages character vector of message() texts (muffled, in order)
#     missing  requested fields that were NULL/absent or not an atomic
#              vector; their entry in `values` is NA
#     values   named list, one entry per field, atomic vectors kept whole
#              (factors become character, integers become double); empty
#              when ok is FALSE
#   An argument `seed.estmeansd` (pymeta's, not meta's) is taken out of `args`
#   and passed to set.seed() just before the call.
#   With `post` (a function name such as "metainf", "metacum" or "update") the
#   result is then passed on: post(<result>, <post_args>), and the fields are
#   those of that second object; warnings of both calls are collected.
# pymeta_ref_run_many(fun, list_of_args, fields)
#   The same for many argument lists in one call; the meta settings are
#   reset before every case. Each result also has `seconds`: the time the
#   meta call itself took, measured in R (reset and conversion excluded).
# pymeta_ref_versions()
#   Named character vector of the versions that versions.json pins.

pymeta_ref_packages <- c("meta", "metafor", "CompQuadForm", "metabook", "pimeta", "metaBLUE",
                         "estmeansd")

pymeta_ref_versions <- function() {
  pkg_version <- function(p) {
    v <- suppressWarnings(utils::packageDescription(p, fields = "Version"))
    if (is.null(v) || length(v) == 0) NA_character_ else as.character(v)
  }
  c(R = as.character(getRversion()),
    vapply(pymeta_ref_packages, pkg_version, character(1)))
}

# Restore meta's default settings, discarding anything it prints.
pymeta_ref_reset <- function() {
  invisible(utils::capture.output(suppressMessages(meta::settings.meta("reset"))))
}

# One requested component of a meta result, simplified for rpy2.
# Returns NULL for anything that cannot be passed on as an atomic vector.
pymeta_ref_field <- function(x) {
  # a list of single values (subgroup(): df.Q.b.random with several CI methods)
  if (is.list(x) && length(x) > 0 &&
      all(vapply(x, function(e) is.atomic(e) && length(e) == 1, logical(1))))
    x <- unlist(x, use.names = FALSE)
  if (is.null(x) || !is.atomic(x)) return(NULL)
  if (is.factor(x)) x <- as.character(x)
  if (is.integer(x)) x <- as.double(x)   # NA_integer_ becomes NA_real_
  as.vector(x)                           # drops names and dim
}

# The per-case budget of the random campaigns. R's setTimeLimit() is not checked inside
# embedded R's compiled code, and the slow step is CompQuadForm's Farebrother series (the
# "BJ"/"J" tau2 CIs), so its entry point gets a guard: once the deadline of the current
# case has passed, every further call stops at once and the case is reported as too
# slow (timeout = TRUE, its values unused). Before the deadline the original function runs
# untouched: no number changes.
.pymeta_budget <- new.env()
.pymeta_budget$deadline <- Inf
.pymeta_budget$guarded <- FALSE

pymeta_ref_guard <- function() {
  if (.pymeta_budget$guarded || !requireNamespace("CompQuadForm", quietly = TRUE))
    return(invisible(FALSE))
  orig <- get("farebrother", envir = asNamespace("CompQuadForm"))
  guarded <- function(...) {
    if (Sys.time() > .pymeta_budget$deadline)
      stop("pymeta: per-case time limit reached")
    orig(...)
  }
  utils::assignInNamespace("farebrother", guarded, ns = "CompQuadForm")
  .pymeta_budget$guarded <- TRUE
  invisible(TRUE)
}

pymeta_ref_run <- function(fun, args, fields, reset = TRUE, post = NULL,
                           post_args = list(), time_limit = Inf) {
  stopifnot(is.character(fun), length(fun) == 1)
  if (reset) pymeta_ref_reset()
  # an optional budget (elapsed seconds) for the campaigns: see pymeta_ref_guard()
  if (is.finite(time_limit)) {
    pymeta_ref_guard()
    .pymeta_budget$deadline <- Sys.time() + time_limit
    on.exit(.pymeta_budget$deadline <- Inf, add = TRUE)
  }
  warns <- character(0)
  msgs <- character(0)
  err <- NA_character_
  t0 <- Sys.time()
  res <- tryCatch(
    withCallingHandlers(
      {
        if (!fun %in% getNamespaceExports("meta"))
          stop("not an exported function of meta: ", fun)
        args <- as.list(args)
        # pymeta's seed_estmeansd: R's global stream as set.seed() leaves it, for
        # estmeansd's Monte Carlo approximations ("Cai", "BC-McGrath")
        if (!is.null(args[["seed.estmeansd"]])) {
          set.seed(args[["seed.estmeansd"]])
          args[["seed.estmeansd"]] <- NULL
        }
        # Call by name so that match.call() inside meta sees `fun(...)`.
        m <- do.call(fun, args, envir = asNamespace("meta"))
        # optionally a second meta call on the result: metainf(m, ...), update(m, ...)
        if (!is.null(post))
          m <- do.call(post, c(list(m), as.list(post_args)), envir = asNamespace("meta"))
        m
      },
      warning = function(w) {
        warns <<- c(warns, conditionMessage(w))
        tryInvokeRestart("muffleWarning")
      },
      message = function(m) {
        msgs <<- c(msgs, sub("\n$", "", conditionMessage(m)))
        tryInvokeRestart("muffleMessage")
      }),
    error = function(e) {
      err <<- conditionMessage(e)
      NULL
    })

  secs <- as.numeric(Sys.time() - t0, units = "secs")
  # over budget: whatever R returned was cut short (metafor's try() swallows the stop)
  timeout <- is.finite(time_limit) && secs > time_limit
  # meta returns NULL instead of stopping in a few cases (metainc, method = "Cochran"
  # with sm = "IRD", after a warning): no result, treated as an error
  if (is.na(err) && is.null(res))
    err <- paste(c("meta returned NULL", warns), collapse = ": ")
  ok <- is.na(err)
  values <- list()
  missing <- character(0)
  if (ok) {
    values <- lapply(fields, function(f) pymeta_ref_field(res[[f]]))
    missing <- fields[vapply(values, is.null, logical(1))]
    values[vapply(values, is.null, logical(1))] <- list(NA)
    names(values) <- fields
  }
  list(ok = ok, error = err, warnings = warns, messages = msgs,
       missing = missing, values = values, seconds = secs, timeout = timeout)
}

pymeta_ref_run_many <- function(fun, list_of_args, fields, time_limit = Inf) {
  # settings.meta("reset") before every case: no case can see another's settings
  lapply(list_of_args, function(a) pymeta_ref_run(fun, a, fields, reset = TRUE,
                                                  time_limit = time_limit))
}
