/* stopsignal.c — the stop flag and its handlers (see stopsignal.h). */
#include "pawproj/core/stopsignal.h"

#include <string.h>

static volatile sig_atomic_t caught;

static void on_signal(int sig) { caught = sig; }

void pp_stopsignal_watch(pp_stopsignal_saved *saved) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART; /* reads and MPI calls go on; the flag is read at the next boundary */
  caught = 0;
  sigaction(SIGTERM, &sa, &saved->term);
  sigaction(SIGUSR1, &sa, &saved->usr1);
}

void pp_stopsignal_unwatch(const pp_stopsignal_saved *saved) {
  sigaction(SIGTERM, &saved->term, NULL);
  sigaction(SIGUSR1, &saved->usr1, NULL);
}

int pp_stopsignal_caught(void) { return caught; }
