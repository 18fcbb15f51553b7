/*
 * config: machine descriptions in YAML (parsed with libyaml).
 *
 * A config names the PTE format family (`arch`), the paging constants, the
 * physical memory, the page-table kinds and the CPU control bits.  Presets
 * (the YAML files in configs/) are embedded in the binary; a file may start with
 * `extends: PRESET` and override only the keys it names (maps merge key by
 * key, lists and scalars replace).  Every violation is reported as
 * "file:line:column: message" (1-based line and column).
 */
#ifndef MMUSIM_FORMATS_CONFIG_H
#define MMUSIM_FORMATS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "sim/machine_config.h"

/*
 * Loads `name_or_path`: a preset name (config_preset_names) if one matches,
 * otherwise a YAML file.  Returns MM_OK, or MM_EINVAL / MM_EIO with
 * "file:line:column: message" in *err; when there is neither such a preset nor
 * such a file, MM_EIO with "NAME: no such file or preset (presets: ...)".
 */
int config_load(const char *name_or_path, struct machine_config *out, struct mm_error *err);

int config_load_preset(const char *name, struct machine_config *out, struct mm_error *err);
int config_load_file(const char *path, struct machine_config *out, struct mm_error *err);

/* Parses YAML text; `filename` is only used in error messages. */
int config_load_string(const char *text, size_t len, const char *filename,
		       struct machine_config *out, struct mm_error *err);

/* NULL-terminated list of the embedded preset names. */
const char *const *config_preset_names(void);

/* The embedded YAML text of a preset, or NULL. */
const char *config_preset_text(const char *name);

#endif
