/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "okienko/okn-store.h"

G_BEGIN_DECLS

const char *okn_store_schema_migration (int version);

G_END_DECLS
