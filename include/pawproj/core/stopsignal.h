/* stopsignal.h — a clean stop on SIGTERM or SIGUSR1 (SLURM's
 * `--signal=USR1@120`, `scancel --signal`, the time limit's SIGTERM).
 *
 * While watched, the two signals only set a flag, which a long
 * computation reads at its item boundaries (every rank, then agreed:
 * stop together, save, exit 3 — ctx.h's caller). Outside a watch the
 * signals end the run (core/interrupt.h removes its unfinished outputs
 * first), so a command that has no boundary to stop at is still ended by
 * them.
 *
 * The flag is, with interrupt.h's table of unfinished outputs, the only
 * process-wide mutable state besides the run context: a signal handler cannot be given the context. It is a
 * volatile sig_atomic_t, written only by the handler and by
 * pp_stopsignal_watch.
 */
#ifndef PAWPROJ_STOPSIGNAL_H
#define PAWPROJ_STOPSIGNAL_H

#include <signal.h>

/* What the watch replaced, restored by pp_stopsignal_unwatch. */
typedef struct pp_stopsignal_saved {
  struct sigaction term, usr1;
} pp_stopsignal_saved;

/* Installs the handlers (clearing the flag), keeping the old ones in
 * *saved; pp_stopsignal_unwatch puts them back. Not nested. */
void pp_stopsignal_watch(pp_stopsignal_saved *saved);
void pp_stopsignal_unwatch(const pp_stopsignal_saved *saved);

/* The signal received while watched (SIGTERM or SIGUSR1), 0 if none. */
int pp_stopsignal_caught(void);

#endif
