/* xmlscan.h — just enough XML for PAW-XML datasets (and vasprun.xml
 * fragments): find elements by name, read attributes, read the
 * whitespace-separated numbers inside an element. Comments are skipped.
 * Not a validating parser; malformed input gives a failure naming the
 * file and line, never a read past the text. */
#ifndef PAWPROJ_XMLSCAN_H
#define PAWPROJ_XMLSCAN_H

#include <stddef.h>

#include "pawproj/core/error.h"

typedef struct pp_xml_elem {
  const char *start;  /* '<' of the element */
  const char *attrs;  /* text after the name, up to '>' or '/>' */
  size_t attrs_len;   /* its length */
  const char *body;   /* content after '>', NULL for <x/> */
  size_t body_len;    /* content length up to the closing tag */
  const char *end;    /* first character after the element */
} pp_xml_elem;

/* Finds the next element `name` starting at or after `from` in text.
 * Returns 1 and fills e, 0 if there is none, -1 if it is not closed. */
int pp_xml_find(const char *text, const char *from, const char *name,
                pp_xml_elem *e);

/* Copies attribute `key` into out (n bytes); returns 1 if present. */
int pp_xml_attr(const pp_xml_elem *e, const char *key, char *out, size_t n);

/* Reads exactly n numbers from the element's content. `file` and `text`
 * name the source in messages (line numbers are computed from text). */
pp_status pp_xml_numbers(const pp_xml_elem *e, double *out, int n,
                         const char *file, const char *text, pp_err *err);

/* The first markup declaration (<!DOCTYPE, <!ENTITY, ...) in text outside
 * comments and CDATA sections, or NULL. The scanner expands no entity, so
 * a reader refuses a file that declares one instead of reading "&name;"
 * as data; an unclosed comment or CDATA section ends the search. */
const char *pp_xml_declaration(const char *text);

/* PP_OK, or the error "PATH line N: markup declaration ..." for the first
 * declaration in text (pp_xml_declaration), which starts at line
 * first_line of the file PATH. For VASP's XML files, which carry none. */
pp_status pp_xml_refuse_declaration(const char *text, const char *path, int first_line, pp_err *err);

/* 1-based line number of position p in text. */
int pp_xml_line(const char *text, const char *p);

#endif
