/*
 * Test support: a fresh folder under /tmp, for tests that must see every file
 * a command leaves behind (an output's temporary file, say).
 */
#ifndef MMUSIM_TESTS_TEMP_DIR_H
#define MMUSIM_TESTS_TEMP_DIR_H

/* Creates /tmp/mmusim-out-XXXXXX; returns its malloc'd path, or NULL. */
char *temp_dir_create(void);
/* "DIR/NAME", malloc'd. */
char *temp_dir_path(const char *dir, const char *name);
/* The number of entries in dir other than . and .. (-1 if it cannot be read). */
int temp_dir_count(const char *dir);
/* Removes everything in dir (one level), then dir itself; frees dir. */
void temp_dir_remove(char *dir);

#endif
