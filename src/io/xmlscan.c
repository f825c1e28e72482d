/* xmlscan.c — minimal XML scanning (see xmlscan.h). */
#include "pawproj/io/xmlscan.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int pp_xml_line(const char *text, const char *p) {
  int n = 1;
  for (const char *q = text; q < p && *q; q++) n += *q == '\n';
  return n;
}

/* Next '<name' that is a tag of exactly that name, outside comments. */
static const char *next_tag(const char *from, const char *name) {
  const size_t len = strlen(name);
  for (const char *p = strchr(from, '<'); p; p = strchr(p + 1, '<')) {
    if (strncmp(p, "<!--", 4) == 0) {
      const char *e = strstr(p + 4, "-->");
      if (!e) return NULL;
      p = e + 2;
      continue;
    }
    if (strncmp(p + 1, name, len) == 0) {
      const char c = p[1 + len];
      if (c == '>' || c == '/' || isspace((unsigned char)c)) return p;
    }
  }
  return NULL;
}

int pp_xml_find(const char *text, const char *from, const char *name,
                pp_xml_elem *e) {
  (void)text;
  memset(e, 0, sizeof *e);
  const char *p = next_tag(from, name);
  if (!p) return 0;
  const char *gt = strchr(p, '>');
  if (!gt) return -1;
  e->start = p;
  e->attrs = p + 1 + strlen(name);
  const int selfclosing = gt > p && gt[-1] == '/';
  e->attrs_len = (size_t)((selfclosing ? gt - 1 : gt) - e->attrs);
  if (selfclosing) {
    e->end = gt + 1;
    return 1;
  }
  char close[96];
  if (strlen(name) + 4 > sizeof close) return -1;
  close[0] = '<';
  close[1] = '/';
  strcpy(close + 2, name);
  const char *c = strstr(gt + 1, close);
  if (!c) return -1;
  e->body = gt + 1;
  e->body_len = (size_t)(c - e->body);
  const char *cgt = strchr(c, '>');
  e->end = cgt ? cgt + 1 : c + strlen(close);
  return 1;
}

int pp_xml_attr(const pp_xml_elem *e, const char *key, char *out, size_t n) {
  const size_t klen = strlen(key);
  const char *p = e->attrs, *end = e->attrs + e->attrs_len;
  while (p < end) {
    while (p < end && isspace((unsigned char)*p)) p++;
    const char *k = p;
    while (p < end && *p != '=' && !isspace((unsigned char)*p)) p++;
    const size_t kl = (size_t)(p - k);
    while (p < end && isspace((unsigned char)*p)) p++;
    if (p >= end || *p != '=') return 0;
    p++;
    while (p < end && isspace((unsigned char)*p)) p++;
    if (p >= end || (*p != '"' && *p != '\'')) return 0;
    const char q = *p++;
    const char *v = p;
    while (p < end && *p != q) p++;
    if (p >= end) return 0;
    if (kl == klen && strncmp(k, key, klen) == 0) {
      size_t vl = (size_t)(p - v);
      if (vl >= n) vl = n - 1;
      memcpy(out, v, vl);
      out[vl] = '\0';
      return 1;
    }
    p++;
  }
  return 0;
}

pp_status pp_xml_numbers(const pp_xml_elem *e, double *out, int n,
                         const char *file, const char *text, pp_err *err) {
  if (!e->body)
    PP_FAIL(err, PP_ERR_FORMAT, "%s line %d: element has no content, expected %d numbers", file,
            pp_xml_line(text, e->start), n);
  const char *p = e->body, *end = e->body + e->body_len;
  int i = 0;
  for (;;) {
    while (p < end && isspace((unsigned char)*p)) p++;
    if (p >= end) break;
    char *stop;
    const double v = strtod(p, &stop);
    if (stop == p || stop > end || !isfinite(v))
      PP_FAIL(err, PP_ERR_FORMAT, "%s line %d: number %d is not a finite number", file,
              pp_xml_line(text, p), i + 1);
    if (i < n) out[i] = v;
    i++;
    p = stop;
  }
  if (i != n)
    PP_FAIL(err, PP_ERR_FORMAT, "%s line %d: %d numbers, expected %d (one per grid point)", file,
            pp_xml_line(text, e->start), i, n);
  return PP_OK;
}

const char *pp_xml_declaration(const char *text) {
  for (const char *p = strstr(text, "<!"); p; p = strstr(p + 2, "<!")) {
    const char *close = !strncmp(p, "<!--", 4) ? "-->" : !strncmp(p, "<![CDATA[", 9) ? "]]>" : NULL;
    if (!close) return p;
    p = strstr(p + 4, close);
    if (!p) return NULL;
  }
  return NULL;
}

pp_status pp_xml_refuse_declaration(const char *text, const char *path, int first_line, pp_err *err) {
  const char *decl = pp_xml_declaration(text);
  if (decl)
    PP_FAIL(err, PP_ERR_FORMAT,
            "%s line %d: markup declaration '%.12s': DOCTYPE and ENTITY declarations are not read "
            "(pawproj expands no entity; VASP writes none)",
            path, first_line - 1 + pp_xml_line(text, decl), decl);
  return PP_OK;
}
