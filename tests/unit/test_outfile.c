/* Which output paths are streams (written in place) and which are files
 * (written as NAME.partial and renamed): the rename must never replace a
 * device or a link, and a file on a tmpfs under /dev (/dev/shm) must not
 * be mistaken for a device. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "pawproj/core/outfile.h"

int main(void) {
  CHECK(pp_outfile_is_stream("/dev/null"), "/dev/null is a stream");
  /* A link, whatever stdout is (a pipe under ctest, a file elsewhere). */
  CHECK(pp_outfile_is_stream("/dev/stdout"), "/dev/stdout is a stream");
  char dir[] = "/tmp/pp-outfile-XXXXXX";
  CHECK(mkdtemp(dir) != NULL, "temporary directory");
  char reg[512], fifo[512];
  snprintf(reg, sizeof reg, "%s/out.json", dir);
  snprintf(fifo, sizeof fifo, "%s/fifo", dir);
  CHECK(!pp_outfile_is_stream(reg), "a new file is not a stream");
  FILE *f = fopen(reg, "w");
  CHECK(f != NULL, "create %s", reg);
  if (f) fclose(f);
  CHECK(!pp_outfile_is_stream(reg), "a regular file is not a stream");
  CHECK(mkfifo(fifo, 0600) == 0 && pp_outfile_is_stream(fifo), "a FIFO is a stream");
  CHECK(!pp_outfile_is_stream(dir), "a directory is not a stream (refused elsewhere)");
  struct stat st;
  if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0) {
    char shm[128];
    snprintf(shm, sizeof shm, "/dev/shm/pp-outfile-%ld.json", (long)getpid());
    CHECK(!pp_outfile_is_stream(shm), "a new file in /dev/shm is not a stream");
    f = fopen(shm, "w");
    if (f) fclose(f);
    CHECK(!pp_outfile_is_stream(shm), "a regular file in /dev/shm is not a stream");
    unlink(shm);
  }
  unlink(reg);
  unlink(fifo);
  rmdir(dir);
  return CHECK_DONE("test_outfile");
}
