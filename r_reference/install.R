# Idempotent installer for the R packages the reference bridge needs.
#
#   Rscript r_reference/install.R          install what is missing, then verify
#   Rscript r_reference/install.R --check  only verify (no network)
#
# Pins live in r_reference/versions.json. CRAN packages are installed from
# the CRAN repository configured in R (getOption("repos")); a pin that is not
# CRAN's current version is taken from CRAN's source archive. metafor and the
# other dependencies come from Debian (see setup.sh) and are only checked here.
# Exits non-zero if any installed version differs from its pin.

# Packages installed from CRAN by this script, in dependency order.
cran_pkgs <- c("CompQuadForm", "metabook", "pimeta", "metaBLUE", "estmeansd", "meta")
# Packages that Debian provides; checked, never installed here.
debian_pkgs <- c(metafor = "r-cran-metafor")

script_dir <- function() {
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg) == 0) return(file.path(getwd(), "r_reference"))
  dirname(normalizePath(sub("^--file=", "", arg[1])))
}

# versions.json is a flat object of strings; a regex avoids needing jsonlite.
read_pins <- function(path) {
  txt <- paste(readLines(path, warn = FALSE), collapse = "\n")
  m <- regmatches(txt, gregexpr('"[^"]+"[[:space:]]*:[[:space:]]*"[^"]*"', txt))[[1]]
  keys <- sub('^"([^"]+)".*$', "\\1", m)
  vals <- sub('^.*:[[:space:]]*"([^"]*)"$', "\\1", m)
  setNames(vals, keys)
}

# Installed version string as written in DESCRIPTION (e.g. "8.4-0"), or NA.
installed_version <- function(pkg) {
  v <- suppressWarnings(utils::packageDescription(pkg, fields = "Version"))
  if (is.null(v) || length(v) == 0 || is.na(v)) NA_character_ else v
}

same_version <- function(a, b)
  !is.na(a) && !is.na(b) && package_version(a) == package_version(b)

# The CRAN URL from R's own configuration; pick the first listed mirror
# (from R's local mirror table) when none is configured.
cran_url <- function() {
  repo <- getOption("repos")["CRAN"]
  if (is.na(repo) || repo == "@CRAN@" || !nzchar(repo)) {
    utils::chooseCRANmirror(graphics = FALSE, ind = 1, local.only = TRUE)
    repo <- getOption("repos")["CRAN"]
  }
  sub("/+$", "", unname(repo))
}

# Install one package quietly; keep the build log and show it on failure.
install_quietly <- function(pkgs, repos, ...) {
  logdir <- tempfile("install-log-")
  dir.create(logdir)
  ok <- TRUE
  withCallingHandlers(
    utils::install.packages(pkgs, repos = repos, quiet = TRUE,
                            keep_outputs = logdir, ...),
    warning = function(w) {
      ok <<- FALSE
      message("install.packages warning: ", conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  if (!ok) {
    for (f in list.files(logdir, full.names = TRUE)) {
      message("----- ", basename(f), " -----")
      message(paste(readLines(f, warn = FALSE), collapse = "\n"))
    }
  }
  invisible(ok)
}

install_pinned <- function(pkg, pin, repo, avail) {
  current <- if (pkg %in% rownames(avail)) avail[pkg, "Version"] else NA
  # Dependencies missing from the library (normally Debian supplies them).
  deps <- tools::package_dependencies(pkg, db = avail,
                                      which = c("Depends", "Imports", "LinkingTo"))[[1]]
  deps <- setdiff(deps, c("R", rownames(utils::installed.packages())))
  if (length(deps) > 0) {
    message("installing missing dependencies of ", pkg, " from CRAN: ",
            paste(deps, collapse = ", "))
    install_quietly(deps, repos = repo)
  }
  if (same_version(current, pin)) {
    message("installing ", pkg, " ", pin, " (CRAN current)")
    install_quietly(pkg, repos = repo, dependencies = FALSE)
  } else {
    url <- sprintf("%s/src/contrib/Archive/%s/%s_%s.tar.gz", repo, pkg, pkg, pin)
    message("installing ", pkg, " ", pin, " (CRAN archive)")
    tarball <- file.path(tempdir(), basename(url))
    got <- tryCatch(utils::download.file(url, tarball, quiet = TRUE, mode = "wb") == 0,
                    error = function(e) FALSE, warning = function(w) FALSE)
    if (!got)
      stop(sprintf(paste0("cannot download %s %s from the CRAN archive (%s); CRAN's ",
                          "current version is %s: change the pin in r_reference/versions.json ",
                          "or make the archive reachable"), pkg, pin, url, current),
           call. = FALSE)
    install_quietly(tarball, repos = NULL, type = "source")
  }
}

main <- function() {
  check_only <- "--check" %in% commandArgs(TRUE)
  pins <- read_pins(file.path(script_dir(), "versions.json"))

  todo <- cran_pkgs[!vapply(cran_pkgs, function(p)
    same_version(installed_version(p), pins[[p]]), logical(1))]
  if (length(todo) > 0 && !check_only) {
    repo <- cran_url()
    avail <- utils::available.packages(repos = repo)
    for (p in todo) install_pinned(p, pins[[p]], repo, avail)
  }

  # Verify every pin, including R itself and the Debian-provided packages.
  problems <- character(0)
  r_now <- as.character(getRversion())
  if (!same_version(r_now, pins[["R"]]))
    problems <- c(problems, sprintf("R is %s, pinned %s", r_now, pins[["R"]]))
  for (p in setdiff(names(pins), "R")) {
    have <- installed_version(p)
    if (same_version(have, pins[[p]])) next
    fix <- if (p %in% names(debian_pkgs))
      sprintf("apt-get install -y %s (Debian's version must be %s)", debian_pkgs[[p]], pins[[p]])
    else "Rscript r_reference/install.R (or bash setup.sh)"
    problems <- c(problems, sprintf("%s is %s, pinned %s; fix: %s",
                                    p, ifelse(is.na(have), "not installed", have),
                                    pins[[p]], fix))
  }
  if (length(problems) == 0 && !requireNamespace("meta", quietly = TRUE))
    problems <- "package meta is installed but fails to load"
  if (length(problems) > 0) {
    message("R reference set-up does not match r_reference/versions.json:\n  ",
            paste(problems, collapse = "\n  "))
    quit(status = 1)
  }
}

main()
