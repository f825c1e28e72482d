/* Preloaded into sanitizer test runs only: keeps dlopen'ed Open MPI
 * plugins mapped at exit, so LeakSanitizer can name the library that owns
 * an allocation and tests/lsan.supp can suppress MPI's own leaks (an
 * unloaded plugin shows as "<unknown module>", which no rule can match). */
int dlclose(void *handle);
int dlclose(void *handle) {
  (void)handle;
  return 0;
}
