/*
 * image_foreign: recognising files that look like memory dumps but are not
 * physical memory byte for byte (compressed or indexed dump formats, compressed
 * files), so that an image opened as "anything else is raw memory" refuses them
 * by name instead of walking page tables through their headers.
 */
#ifndef MMUSIM_FORMATS_IMAGE_FOREIGN_H
#define MMUSIM_FORMATS_IMAGE_FOREIGN_H

#include <stddef.h>
#include <stdint.h>

/* What the file starting with p[0..len) is, as a sentence for the error message
 * ("a gzip-compressed file: ..."), or NULL when it starts with no signature known here. */
const char *image_foreign_format(const uint8_t *p, size_t len);

#endif
