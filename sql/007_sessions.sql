-- Sign-in second factor (docs/accounts.md): wrong codes counted on the pending session (5 end
-- it), and the last accepted TOTP time step, so one code cannot be used twice.
ALTER TABLE account_session ADD COLUMN second_factor_failures integer NOT NULL DEFAULT 0;
ALTER TABLE account ADD COLUMN totp_last_step integer;
