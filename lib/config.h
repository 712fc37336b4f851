/*
 * config.h - the configuration file, read through libgit2 in git-config
 * syntax (git-config(1), CONFIGURATION FILE): $ECAP_CONFIG, else
 * $XDG_CONFIG_HOME/ecap/config, else ~/.config/ecap/config.  A missing file
 * is an empty configuration.  It comes after the command line and the
 * environment: a setting given there wins.
 *
 *   [key]      file = PATH          the master key file (ecap-seal, ecap-open)
 *              keyring = NAME       or the kernel keyring key that holds it
 *   [signers]  allowedSignersFile = PATH   the allowed signers (ecap-open,
 *                                  ecap-inspect, audit-verify; the trust programs
 *                                  and wasm-exec --trust after git's gpg.ssh one)
 *   [audit]    enabled = BOOL       append events (ecap-open, wasm-exec,
 *                                  trust-approve, trust-verify)
 *              db = PATH            the audit database
 *
 * Paths may start with "~/" (the home directory), as git's pathnames do.
 */
#ifndef ECAP_CONFIG_H
#define ECAP_CONFIG_H

/* The configuration file's path (a new string). */
char *ecap_config_path(void);

/*
 * The value of name ("key.file") as a new string, a path expanded as git
 * expands it when path is 1; NULL when the file or the setting is absent.
 * A file that cannot be read or parsed ends the program (exit 2) with
 * "PROG: config FILE: REASON".
 */
char *ecap_config_xget(const char *name, int path);

/* The boolean name (true/false, yes/no, on/off, 1/0), or dflt when absent; as above for errors. */
int ecap_config_xbool(const char *name, int dflt);

#endif
