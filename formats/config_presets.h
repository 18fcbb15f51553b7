/* config_presets: the YAML presets embedded at build time (generated presets.c). */
#ifndef MMUSIM_SIM_CONFIG_PRESETS_H
#define MMUSIM_SIM_CONFIG_PRESETS_H

struct config_preset {
	const char *name;
	const char *text;
};

/* Terminated by an entry whose name is NULL. */
extern const struct config_preset config_presets[];
/* The same names, NULL-terminated. */
extern const char *const config_preset_name_list[];

#endif
