/* interrupt.h — an interrupted run leaves no temporary files behind.
 *
 * Every output is written under a temporary name (NAME.partial) and renamed
 * when complete. A writer tracks that name from just before it creates the
 * file until it has renamed or removed it. On SIGINT, SIGTERM or SIGHUP
 * that arrives outside a stop watch (core/stopsignal.h, which turns
 * SIGTERM of a study into a resumable stop), the handler removes every
 * tracked file, says so on stderr, and ends the process by the same signal
 * with its default action, so the exit status says "interrupted" (128 +
 * signal number to a shell; mpirun reports the signal).
 *
 * The table of tracked names is process-wide state besides the run
 * context, for the same reason as the stop flag: a signal handler cannot
 * be given the context. The handler only calls async-signal-safe
 * functions (unlink, write, signal, raise).
 */
#ifndef PAWPROJ_INTERRUPT_H
#define PAWPROJ_INTERRUPT_H

/* Installs the handlers (once, after MPI_Init, whose library may install
 * its own for other signals). rank is shown in the message. */
void pp_interrupt_install(int rank);

/* Tracks name (copied); returns the slot for pp_interrupt_untrack, or -1
 * when the table is full (the file is then only removed by its writer). */
int pp_interrupt_track(const char *name);

/* Stops tracking slot (no-op for -1). Call after the rename or removal. */
void pp_interrupt_untrack(int slot);

/* The command has ended (its outputs are renamed or removed, its message
 * printed). A signal from here on still ends the process by that signal,
 * but says nothing: mpirun sends SIGTERM to the ranks still finalizing when
 * one rank exits with an error status first, and "interrupted" after the
 * real error would mislead. */
void pp_interrupt_finished(void);

#endif
