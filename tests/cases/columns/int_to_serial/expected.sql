-- the sequence of serial column number, continuing after its largest value
DO $pgwright$
BEGIN
  IF pg_catalog.to_regclass('public.tickets_number_seq') IS NULL THEN
    CREATE SEQUENCE public.tickets_number_seq AS integer OWNED BY public.tickets.number;
    PERFORM pg_catalog.setval('public.tickets_number_seq', coalesce(
      (SELECT pg_catalog.max(number) FROM public.tickets), 0) + 1, false);
  END IF;
END
$pgwright$;

ALTER TABLE public.tickets ALTER COLUMN number SET DEFAULT nextval('public.tickets_number_seq'::regclass);
