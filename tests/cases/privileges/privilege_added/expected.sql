GRANT INSERT ON TABLE public.notes TO api_user;
