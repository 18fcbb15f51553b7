/*
 * output_file: a file that appears whole or not at all.
 *
 * Every file mmusim writes (traces, ELF dumps, CSV, JSON, HTML, SVG) goes
 * through here.  The bytes go to a temporary file created next to the target
 * (same folder, so the final rename(2) cannot cross file systems and is
 * atomic); output_file_commit checks every write and the close, then renames
 * it into place.  On any error, or output_file_abort, the temporary file is
 * removed: the target keeps whatever it held before (an input of the same
 * name stays intact), and no partial output ever carries the final name.
 *
 * The temporary file is created with mode 0666 (the umask applies, as for
 * any new file); when the target is already a regular file, its owner and
 * group (as far as we may give them) and permission bits are copied, as
 * truncating it in place would have kept them.  Targets
 * that are not regular files (a FIFO, /dev/null, a terminal) cannot be
 * replaced by a rename: they are written directly.  A symbolic link to a
 * regular file is followed: the file it points to is replaced, the link
 * stays.  A file we may write in a folder we may not (nothing can be created
 * beside it) is rewritten in place, as `>` would: truncated at commit to
 * what was written; an abort after the first byte reached it empties it, one
 * before leaves it as it was.  "-" is standard output, written directly (commit flushes it and
 * reports a write error, and never closes it).
 */
#ifndef MMUSIM_SIM_OUTPUT_FILE_H
#define MMUSIM_SIM_OUTPUT_FILE_H

#include <stdio.h>

#include "pt/mm_error.h"

struct output_file;

/* Creates the temporary file for path ("-" = stdout); MM_EIO "PATH: cannot create: ..." on failure. */
int output_file_open(const char *path, struct output_file **out, struct mm_error *err);
/* The descriptor to write to (the temporary file, or 1 for stdout). */
int output_file_fd(const struct output_file *o);
/* A stdio stream over that descriptor, made on first use; NULL only when out of memory. */
FILE *output_file_stream(struct output_file *o);
/* The name messages use: the path as given, or "<stdout>". */
const char *output_file_name(const struct output_file *o);
/*
 * Flushes and closes (checking both, and every earlier stream error), then
 * renames the temporary file over the target.  Frees o in every case; on an
 * error the temporary file is removed and *err says "PATH: write error: ...".
 */
int output_file_commit(struct output_file *o, struct mm_error *err);
/* Closes and removes the temporary file, leaving the target as it was; frees o (NULL is ignored). */
void output_file_abort(struct output_file *o);

#endif
