/*
 * machine_vm: the virtual machines of one host (`vm N`).  The machine's own
 * fields always describe the running VM, so that walks, edits and dumps need
 * not know there are others; switching saves them into the VM's slot and
 * loads another's.  Every VM has its own guest RAM (same GPAs, other host
 * frames), stage-2 table and guest tables; host memory, the stage-2 format
 * and the caches are shared, the caches' entries tagged with the VMID.
 */
#include "machine.h"

#include <stdlib.h>

#include "sim/stage2_host.h"

struct machine_vm {
	struct physmem *pm;
	struct page_table *kernel, *user, **by_asid;
	uint16_t asid;
	uint64_t upper_root;
	struct stage2_vm stage2;
};

static void save(const struct machine *m, struct machine_vm *vm)
{
	*vm = (struct machine_vm){ .pm = m->pm, .kernel = m->kernel, .user = m->user, .by_asid = m->by_asid,
				   .asid = m->asid, .upper_root = m->walker.upper_root };
	stage2_host_save_vm(m->host, &vm->stage2);
}

static void load(struct machine *m, const struct machine_vm *vm)
{
	m->pm = vm->pm;
	m->kernel = vm->kernel;
	m->user = vm->user;
	m->by_asid = vm->by_asid;
	m->asid = vm->asid;
	m->walker.upper_root = vm->upper_root;
	m->vmid = vm->stage2.vmid;
	stage2_host_load_vm(m->host, &vm->stage2);
}

/* Frees the running VM's tables and memory (its slot aside); the fields are left dangling. */
static void destroy_running(struct machine *m)
{
	/* Guest tables first: freeing their nodes goes through this VM's stage 2 and frames. */
	for (size_t i = 0; i < MACHINE_NR_ASIDS; i++)
		pt_destroy(m->by_asid[i]);
	free(m->by_asid);
	pt_destroy(m->kernel);
	pt_destroy(m->host->table);
	m->host->table = NULL;
	physmem_destroy(m->pm);
}

/* Builds a fresh VM as the running one; on failure frees what it built (the caller restores). */
static int start(struct machine *m, unsigned vmid, struct mm_error *err)
{
	const struct machine_config *cfg = &m->cfg;
	int rc;

	m->kernel = m->user = NULL;
	m->asid = 0;
	m->vmid = (uint16_t)vmid;
	if (!(m->by_asid = calloc(MACHINE_NR_ASIDS, sizeof(*m->by_asid))))
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	if (!(m->pm = physmem_create(cfg->mem_base, cfg->mem_size, cfg->pc.base_page_size, err))) {
		free(m->by_asid);
		return err ? err->code : MM_EINVAL;
	}
	if ((rc = stage2_host_start_vm(m->host, (uint16_t)vmid, m->pm, err))) {
		free(m->by_asid);
		physmem_destroy(m->pm);
		return rc;
	}
	rc = pt_create(&m->kernel_env, &m->cfg.kernel, &m->kernel, err);
	if (rc == MM_OK && cfg->kernel.upper_half)
		m->walker.upper_root = pt_root(m->kernel);
	if (rc == MM_OK)
		rc = machine_switch(m, 0, err);
	if (rc)
		destroy_running(m);
	return rc;
}

int machine_switch_vm(struct machine *m, unsigned vmid, struct mm_error *err)
{
	struct machine_vm was;
	int rc;

	if (vmid == m->vmid)
		return MM_OK;
	if (vmid >= MACHINE_NR_VMS)
		return mm_error_set(err, MM_EINVAL, "vm %u is out of range (at most %d)", vmid, MACHINE_NR_VMS - 1);
	if (!m->host)
		return mm_error_set(err, MM_EINVAL, "vm %u: config %s has no stage2: block, so it runs no virtual machines",
				    vmid, m->cfg.name);
	if (!m->host->pm)
		return mm_error_set(err, MM_EINVAL, "an image holds one virtual machine: cannot create VM %u", vmid);
	if (!m->vms && !(m->vms = calloc(MACHINE_NR_VMS, sizeof(*m->vms))))
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	if (!m->vms[m->vmid] && !(m->vms[m->vmid] = malloc(sizeof(**m->vms))))
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	save(m, &was);
	if (m->vms[vmid]) {
		load(m, m->vms[vmid]);
	} else if (!(m->vms[vmid] = malloc(sizeof(**m->vms)))) {
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	} else if ((rc = start(m, vmid, err))) {
		free(m->vms[vmid]);
		m->vms[vmid] = NULL;
		load(m, &was);
		mm_error_prefix(err, "vm %u", vmid);
		return rc;
	}
	*m->vms[was.stage2.vmid] = was;
	return MM_OK;
}

unsigned machine_nr_vms(const struct machine *m)
{
	unsigned n = 0;

	if (!m->vms)
		return 1;
	for (unsigned i = 0; i < MACHINE_NR_VMS; i++)
		n += m->vms[i] != NULL || i == m->vmid;
	return n;
}

uint64_t machine_other_vms_nodes(const struct machine *m)
{
	uint64_t n = 0;

	for (unsigned i = 0; m->vms && i < MACHINE_NR_VMS; i++) {
		struct physmem_stats st;
		if (i == m->vmid || !m->vms[i])
			continue;
		physmem_stats(m->vms[i]->pm, &st);
		n += st.node_frames;
	}
	return n;
}

void machine_destroy_vms(struct machine *m)
{
	struct machine_vm running;

	if (!m->vms)
		return;
	save(m, &running);
	for (unsigned i = 0; i < MACHINE_NR_VMS; i++) {
		if (i != running.stage2.vmid && m->vms[i]) {
			load(m, m->vms[i]);
			destroy_running(m);
		}
		free(m->vms[i]);
	}
	free(m->vms);
	m->vms = NULL;
	load(m, &running);
}
