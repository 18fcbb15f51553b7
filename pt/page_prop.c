/* page_prop: names of cache policies and the "rwxug" permission string. */
#include "page_prop.h"

#include <string.h>

static const char *const cache_names[] = {
	[CACHE_WB] = "wb", [CACHE_WT] = "wt", [CACHE_UC] = "uc",
	[CACHE_WC] = "wc", [CACHE_WP] = "wp",
};

const char *cache_policy_name(enum cache_policy c)
{
	return (unsigned)c < sizeof(cache_names) / sizeof(cache_names[0]) ? cache_names[c] : "?";
}

int cache_policy_parse(const char *name, enum cache_policy *out)
{
	for (unsigned i = 0; i < sizeof(cache_names) / sizeof(cache_names[0]); i++) {
		if (strcmp(name, cache_names[i]) == 0) {
			*out = (enum cache_policy)i;
			return 0;
		}
	}
	return -1;
}

void perms_format(unsigned perms, char buf[6])
{
	buf[0] = (perms & PERM_R) ? 'r' : '-';
	buf[1] = (perms & PERM_W) ? 'w' : '-';
	buf[2] = (perms & PERM_X) ? 'x' : '-';
	buf[3] = (perms & PERM_U) ? 'u' : '-';
	buf[4] = (perms & PERM_G) ? 'g' : '-';
	buf[5] = '\0';
}
