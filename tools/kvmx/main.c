// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx: boot a Linux guest on /dev/kvmx (or upstream /dev/kvm).
 *
 * Start-up order: options, device file, guest memory, kernel and initrd,
 * devices, vCPU, event thread, then the vCPU loop on the main thread until
 * the guest powers off, resets or crashes.
 */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kvmx.h"

#define KVMX_DEFAULT_MEM_MIB	256
#define KVMX_MAX_MEM_MIB	3072	/* RAM stays below the 32-bit hole */
#define KVMX_MIN_MEM_MIB	32

struct kvmx_vm kvm = { .exit_code = -1, .guest_status = -1, .ram_fd = -1 };

/**
 * warnx_() - print one "kvmx: ..." line on stderr while the guest runs
 * @fmt: printf format of the message (no trailing newline)
 *
 * The terminal stays in raw mode, so the line ends with CR LF there.
 */
void warnx_(const char *fmt, ...)
{
	va_list ap;

	fputs("kvmx: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(term__is_raw() ? "\r\n" : "\n", stderr);
}

/**
 * die() - print one line naming what failed and exit with KVMX_EXIT_ERROR
 * @fmt: printf format of the message (no trailing newline)
 *
 * The terminal is restored and any tap the launcher created is removed by
 * the atexit handlers.
 */
void die(const char *fmt, ...)
{
	va_list ap;

	term__restore();
	fputs("kvmx: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(KVMX_EXIT_ERROR);
}

static void usage(FILE *f)
{
	fputs(
"usage: kvmx run [options]       boot a Linux guest\n"
"       kvmx stat [-1] [-d SECS]  exit counts per VM from kvmx debugfs\n"
"       kvmx ksm                  page merging figures (kvmx_ksm, KSM)\n"
"       kvmx --help | --version\n"
"\n"
"run options:\n"
"  -k, --kernel BZIMAGE   kernel (default: /boot/vmlinuz, then\n"
"                         /boot/vmlinuz-$(uname -r), /boot/vmlinuz-*)\n"
"  -i, --initrd FILE      initramfs (default: a built-in busybox one)\n"
"  -p, --params CMDLINE   extra kernel command line, after the defaults\n"
"  -m, --mem MiB          guest RAM (default 256, 32..3072)\n"
"  -c, --cpus N           vCPUs (only 1: no in-kernel irqchip yet)\n"
"  -n, --net SPEC         tap[,vhost=kvmx|upstream|off][,ifname=NAME]\n"
"                         [,ip=HOST/LEN][,guest_ip=A.B.C.D/LEN]\n"
"                         [,bridge=BR][,mac=MAC]\n"
"      --ksm              guest RAM from /dev/kvmx-ksm, or KSM-advised\n"
"      --dev PATH         KVM device (default /dev/kvmx, else /dev/kvm)\n"
"      --guest-cmd CMD    built-in initramfs: run CMD, then power off\n"
"                         (exit status 5 if CMD fails)\n"
"      --timeout SECS     stop the guest after SECS (exit status 4)\n"
"      --debug            log unhandled accesses and exits\n"
"\n"
"Console on stdio; type Ctrl-A x to stop the guest.\n"
"Exit status: 0 guest powered off, 1 launcher error, 2 guest reset,\n"
"3 guest crashed (KVM could not run it), 4 timeout, 5 --guest-cmd failed.\n", f);
}

static unsigned long parse_num(const char *opt, const char *s,
			       unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		die("%s: '%s' is not a number", opt, s);
	if (v < min || v > max)
		die("%s %lu: out of range (%lu..%lu)", opt, v, min, max);
	return v;
}

static void copy_opt(char *dst, size_t len, const char *key, const char *val)
{
	if (strlen(val) >= len)
		die("--net %s=%s: too long (at most %zu characters)", key, val,
		    len - 1);
	strcpy(dst, val);
}

static void parse_net(struct kvmx_net_opts *net, const char *spec)
{
	char *s = strdup(spec), *save = NULL, *tok;

	tok = strtok_r(s, ",", &save);
	if (!tok || strcmp(tok, "tap"))
		die("--net %s: the only backend is 'tap' (tap[,vhost=..])",
		    spec);
	net->enabled = true;
	strcpy(net->vhost, "off");
	while ((tok = strtok_r(NULL, ",", &save))) {
		char *val = strchr(tok, '=');

		if (!val)
			die("--net: '%s' is not KEY=VALUE", tok);
		*val++ = '\0';
		if (!strcmp(tok, "vhost")) {
			if (strcmp(val, "kvmx") && strcmp(val, "upstream") &&
			    strcmp(val, "off"))
				die("--net vhost=%s: use kvmx, upstream or off",
				    val);
			copy_opt(net->vhost, sizeof(net->vhost), tok, val);
		} else if (!strcmp(tok, "ifname")) {
			copy_opt(net->ifname, sizeof(net->ifname), tok, val);
		} else if (!strcmp(tok, "ip")) {
			copy_opt(net->ip, sizeof(net->ip), tok, val);
		} else if (!strcmp(tok, "guest_ip")) {
			copy_opt(net->guest_ip, sizeof(net->guest_ip), tok,
				  val);
		} else if (!strcmp(tok, "bridge")) {
			copy_opt(net->bridge, sizeof(net->bridge), tok, val);
		} else if (!strcmp(tok, "mac")) {
			copy_opt(net->mac, sizeof(net->mac), tok, val);
		} else {
			die("--net: unknown key '%s'", tok);
		}
	}
	free(s);
}

static const char *default_kernel(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX];
	struct utsname u;
	ssize_t n;
	glob_t g;

	if (!access("/boot/vmlinuz", R_OK))
		return "/boot/vmlinuz";
	if (!uname(&u)) {
		snprintf(path, sizeof(path), "/boot/vmlinuz-%s", u.release);
		if (!access(path, R_OK))
			return path;
	}
	if (!glob("/boot/vmlinuz-*", 0, NULL, &g) && g.gl_pathc) {
		snprintf(path, sizeof(path), "%s", g.gl_pathv[g.gl_pathc - 1]);
		globfree(&g);
		return path;
	}
	/* A kvmx-guest/ directory next to the binary (test machines). */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(path, sizeof(path), "%s/kvmx-guest/vmlinuz",
			 dirname(exe));
		if (!access(path, R_OK))
			return path;
	}
	die("no kernel given and none in /boot (looked for /boot/vmlinuz*): use -k BZIMAGE");
}

static unsigned long host_mem_mib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long kb = 0;
	char line[128];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb / 1024;
}

enum { OPT_KSM = 256, OPT_DEV, OPT_GUEST_CMD, OPT_TIMEOUT, OPT_DEBUG };

static int run_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "params", required_argument, NULL, 'p' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "net", required_argument, NULL, 'n' },
		{ "ksm", no_argument, NULL, OPT_KSM },
		{ "dev", required_argument, NULL, OPT_DEV },
		{ "guest-cmd", required_argument, NULL, OPT_GUEST_CMD },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct kvmx_opts o = {
		.mem_mib = KVMX_DEFAULT_MEM_MIB, .vcpus = 1, .params = "",
	};
	char net_params[160] = "";
	void *initrd = NULL;
	size_t initrd_len = 0;
	unsigned long host_mib;
	char *cmdline;
	int c, code;

	while ((c = getopt_long(argc, argv, "k:i:p:m:c:n:h", lopts,
				NULL)) != -1) {
		switch (c) {
		case 'k':
			o.kernel = optarg;
			break;
		case 'i':
			o.initrd = optarg;
			break;
		case 'p':
			o.params = optarg;
			break;
		case 'm':
			o.mem_mib = parse_num("-m", optarg, KVMX_MIN_MEM_MIB,
					      KVMX_MAX_MEM_MIB);
			break;
		case 'c':
			o.vcpus = parse_num("-c", optarg, 1, 255);
			break;
		case 'n':
			parse_net(&o.net, optarg);
			break;
		case OPT_KSM:
			o.ksm = true;
			break;
		case OPT_DEV:
			o.dev = optarg;
			break;
		case OPT_GUEST_CMD:
			o.guest_cmd = optarg;
			break;
		case OPT_TIMEOUT:
			o.timeout = parse_num("--timeout", optarg, 1, 86400);
			break;
		case OPT_DEBUG:
			o.debug = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fputs("Try 'kvmx run --help'.\n", stderr);
			return KVMX_EXIT_ERROR;
		}
	}
	if (optind < argc)
		die("unexpected argument '%s' (try 'kvmx run --help')",
		    argv[optind]);
	if (o.vcpus > 1)
		die("-c %u: SMP guests need the in-kernel interrupt controller, which kvmx does not use yet; run with -c 1",
		    o.vcpus);
	host_mib = host_mem_mib();
	if (host_mib && o.mem_mib > host_mib)
		die("-m %lu: more than the host's memory (%lu MiB)",
		    o.mem_mib, host_mib);
	if (o.initrd && o.guest_cmd)
		die("--guest-cmd needs the built-in initramfs; drop -i");
	if (!o.kernel)
		o.kernel = default_kernel();
	/* File errors first: they are the likeliest and the cheapest. */
	if (access(o.kernel, R_OK))
		die("cannot open kernel '%s': %s", o.kernel, strerror(errno));
	if (o.initrd && access(o.initrd, R_OK))
		die("cannot open initrd '%s': %s", o.initrd, strerror(errno));
	kvm.opts = &o;

	kvm__open(o.dev);
	kvm__init_memory((uint64_t)o.mem_mib << 20, o.ksm);
	if (!o.initrd)
		initrd = initramfs__build(o.guest_cmd, o.net.enabled,
					  &initrd_len);
	if (o.net.enabled)
		net__guest_params(&o.net, net_params, sizeof(net_params));
	if (asprintf(&cmdline,
		     "console=ttyS0 earlyprintk=serial,ttyS0,115200 noapic nolapic acpi=off nokaslr tsc=reliable panic=-1 %s%s",
		     net_params, o.params) < 0)
		die("out of memory");
	boot__load_linux(o.kernel, o.initrd, cmdline, initrd, initrd_len);
	free(initrd);

	pic__init();
	pit__init();
	rtc__init(kvm.ram_size);
	serial__init();
	misc__init();
	pci__init();
	if (o.net.enabled)
		net__init(&o.net);
	kvm__init_vcpu();
	term__init();
	event__start();
	code = kvm__run_vcpu();
	if (code == KVMX_EXIT_POWEROFF && o.guest_cmd && kvm.guest_status > 0) {
		fprintf(stderr, "kvmx: the guest command exited with status %d\n",
			kvm.guest_status);
		return KVMX_EXIT_GUEST_CMD;
	}
	return code;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return KVMX_EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		puts("kvmx 0.1");
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return run_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "stat"))
		return stat__main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ksm"))
		return ksm__main(argc - 1, argv + 1);
	fprintf(stderr, "kvmx: unknown command '%s' (try 'kvmx --help')\n",
		argv[1]);
	return KVMX_EXIT_ERROR;
}
