REVOKE DELETE ON TABLE public.notes FROM api_user;
