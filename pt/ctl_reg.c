/* ctl_reg: finding a format's control register by name (see ctl_reg.h). */
#include "ctl_reg.h"

#include <string.h>

const struct ctl_reg *ctl_reg_find(const struct ctl_reg *regs, const char *name)
{
	for (const struct ctl_reg *r = regs; r && r->name; r++)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}
