GRANT UPDATE ON TABLE public.notes TO api_user;
