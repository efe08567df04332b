/** The product mark: a house (职工之家) in union red. Inline SVG, no extra request. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="14" fill="#c8102e" />
      <path d="M14 30 32 16l18 14v18a2 2 0 0 1-2 2H38V38H26v12H16a2 2 0 0 1-2-2z" fill="#fff" />
    </svg>
  );
}
