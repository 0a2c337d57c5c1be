/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienko.h: the whole public API of the core */
#pragma once

#include "okienko/okn-bitmap.h"
#include "okienko/okn-config.h"
#include "okienko/okn-draft.h"
#include "okienko/okn-escpos.h"
#include "okienko/okn-file.h"
#include "okienko/okn-form-session.h"
#include "okienko/okn-intake.h"
#include "okienko/okn-json.h"
#include "okienko/okn-labels.h"
#include "okienko/okn-lookup.h"
#include "okienko/okn-printer.h"
#include "okienko/okn-open311.h"
#include "okienko/okn-record.h"
#include "okienko/okn-register.h"
#include "okienko/okn-service-def.h"
#include "okienko/okn-store.h"
#include "okienko/okn-text.h"
#include "okienko/okn-sync.h"
#include "okienko/okn-sync-status.h"
#include "okienko/okn-ticket.h"
