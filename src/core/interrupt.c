/* interrupt.c — the table of temporary outputs and the handler that
 * removes them on an interrupting signal (see interrupt.h). */
#include "pawproj/core/interrupt.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* More outputs than are ever open at once (a command writes at most a
 * JSON, an HDF5 file and a volumetric file at a time). */
#define SLOTS 16

static char names[SLOTS][4400];
static volatile sig_atomic_t used[SLOTS];
static char who[32];
static volatile sig_atomic_t finished;

static void put(const char *s) {
  if (write(STDERR_FILENO, s, strlen(s)) < 0) { /* nothing to do on stderr failing */
  }
}

static void on_signal(int sig) {
  int removed = 0;
  for (int i = 0; i < SLOTS; i++)
    if (used[i] && unlink(names[i]) == 0) removed++;
  if (finished && !removed) { /* the run has ended: nothing was interrupted */
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  put("pawproj: interrupted by ");
  put(sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP");
  put(who);
  put(removed ? ": stopped, its unfinished output files removed\n" : ": stopped, no output written\n");
  signal(sig, SIG_DFL);
  raise(sig);
}

void pp_interrupt_install(int rank) {
  snprintf(who, sizeof who, " (rank %d)", rank);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  /* One handler at a time: a second signal waits until the first has
   * removed the files and re-raised. */
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sigaddset(&sa.sa_mask, SIGHUP);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
}

int pp_interrupt_track(const char *name) {
  for (int i = 0; i < SLOTS; i++)
    if (!used[i]) {
      snprintf(names[i], sizeof names[i], "%s", name);
      /* The name is complete before the handler can see the slot. */
      atomic_signal_fence(memory_order_seq_cst);
      used[i] = 1;
      return i;
    }
  return -1;
}

void pp_interrupt_untrack(int slot) {
  if (slot >= 0 && slot < SLOTS) used[slot] = 0;
}

void pp_interrupt_finished(void) { finished = 1; }
