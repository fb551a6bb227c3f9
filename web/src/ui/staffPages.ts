/** The staff console's pages, each shown only to those whose permissions allow it (the API refuses anyway). */
export const STAFF_PAGES = [
  { path: "staff/movies", label: "Movies", needs: ["movies:create", "movies:update", "movies:delete"] },
  { path: "staff/members", label: "Members", needs: ["members:view"] },
  { path: "staff/venues", label: "Venues", needs: ["venues:manage"] },
  { path: "staff/halls", label: "Halls", needs: ["screenings:manage"] },
  { path: "staff/schedule", label: "Schedule", needs: ["screenings:manage"] },
  { path: "staff/box-office", label: "Box office", needs: ["orders:manage"] },
  { path: "staff/orders", label: "Orders", needs: ["orders:view-all"] },
  { path: "staff/door", label: "Door", needs: ["tickets:check-in"] },
  { path: "staff/reports", label: "Reports", needs: ["reports:view"] },
  { path: "staff/audit", label: "Audit log", needs: ["audit:view"] },
  { path: "staff/users", label: "Users", needs: ["users:manage"] },
  { path: "staff/webhooks", label: "Webhooks", needs: ["webhooks:manage"] },
] as const;

export function allowed(permissions: readonly string[] | undefined | null, needs: readonly string[]): boolean {
  return needs.some((permission) => permissions?.includes(permission));
}
