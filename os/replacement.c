/* replacement: finds a policy by name (see replacement.h). */
#include "replacement.h"

#include <string.h>

static const struct replacement_ops *const all[] = {
	&replace_fifo, &replace_lru, &replace_clock, &replace_opt, &replace_random,
};

const char *const replacement_names[] = { "fifo", "lru", "clock", "opt", "random", NULL };

const struct replacement_ops *replacement_find(const char *name)
{
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}
