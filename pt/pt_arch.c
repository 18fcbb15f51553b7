/* pt_arch: lookup of a PTE format by its config name. */
#include "pt_arch.h"

#include <string.h>

const struct pt_arch *pt_arch_find(const char *name)
{
	static const struct pt_arch *const all[] = { &pt_arch_x86_64, &pt_arch_riscv64, &pt_arch_riscv32,
						       &pt_arch_x86_32, &pt_arch_toy };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}
