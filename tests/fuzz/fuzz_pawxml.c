/* fuzz_pawxml — PAW-XML datasets (io/pawxml, io/xmlscan, core/textfile):
 * an accepted dataset must satisfy fz_check_pawdata and have a projector
 * on the grid. Documents with a DOCTYPE / entity declarations (billion
 * laughs) or absurdly deep nesting are not PAW-XML datasets and must be
 * refused quickly with a message naming the file, which the seeds of
 * corpus/fuzz_pawxml/ check. */
#include "fuzz_pawdata_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

FZ_DEFINE_INITIALIZE

/* 1 if the text holds a DOCTYPE or ENTITY declaration that no comment,
 * CDATA section or processing instruction (other than a leading <?xml ?>)
 * hides, and every tag before it is closed before it: such a document must
 * be refused as such (or for nesting too deep before it). */
static int plain_declaration(const uint8_t *data, size_t size) {
  if (memchr(data, '\0', size)) return 0;               /* refused as binary */
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) return 0; /* read as gzip */
  char *t = fz_text(data, size);
  int yes = 0;
  const char *p = t;
  if (strncmp(p, "<?xml", 5) == 0) p = strstr(p, "?>");
  if (p) {
    const char *a = strstr(p, "<!DOCTYPE"), *b = strstr(p, "<!ENTITY");
    const char *decl = a && (!b || a < b) ? a : b;
    yes = decl != NULL;
    for (const char *q = strchr(p, '<'); yes && q && q < decl; q = strchr(q + 1, '<')) {
      const char *gt = strchr(q, '>');
      yes = q[1] != '!' && q[1] != '?' && gt && gt < decl;
      if (yes) q = gt;
    }
  }
  free(t);
  return yes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fz_write("dataset.xml", data, size);
  pp_err e;
  pp_err_clear(&e);
  pp_pawdata d;
  const pp_status st = pp_pawxml_read(path, &d, &e);
  if (plain_declaration(data, size))
    FZ_REQUIRE(st != PP_OK && (strstr(e.msg, "markup declaration") || strstr(e.msg, "nested more than")),
               "a DOCTYPE/ENTITY declaration not refused as such: %s", st ? e.msg : "accepted");
  if (st != PP_OK) {
    fz_check_failure(st, &e, path);
    FZ_REQUIRE(!d.r && !d.phi && !d.l, "arrays left after a failure");
    return 0;
  }
  fz_check_pawdata(&d);
  FZ_REQUIRE(d.pt && d.gcut >= 1, "no projector");
  pp_pawdata_free(&d);
  return 0;
}
