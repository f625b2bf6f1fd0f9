// SPDX-License-Identifier: GPL-2.0
#include "kvmx.h"

int ksm__main(int argc, char **argv)
{
	return 1;
}
