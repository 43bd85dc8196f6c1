import { importJWK, type JWK } from 'jose';

/**
 * RSA keys for the tests' RS256 signers (the local Okta issuer, a service app's client assertion), made
 * once and kept here: generating a 2048-bit RSA key costs about 150 ms of CPU, and the suite signs with
 * some twenty. For tests only; nothing outside test/ may use them.
 */
const TEST_RSA_PRIVATE_JWKS: readonly JWK[] = [
  {
    kty: 'RSA',
    n: '11L7Z35NcODJjHZ_LLQ5nwKMMCL8xZqIEMQK73bWhZmHA77Lua-ZJfKuqXXn8GPpT8PS-E_rZkufA8oX0yvXlHP7YFgLRijyI_zUzlIwnozpA3Qd2TCIhzWReX0lDgqOcgle0uInWnluIgNOsDD-SsKxA_HO39But-ROLCIKY5mXdALZwSFsNJCCBs_9D9QqHEBOmDic7t5w5Dap3e_nuOEXj8n-NsioOkyGreOrvbtD_KA4cAd169CbhcHZ1KAFEsXw5kpe6OmeknHJZ_gVhlkqijdJwXiDR6qu0NiOGCL1zLg-XvZXAF0xsvbj929yFsY5Feuk4zpz-ww3ANR4_Q',
    e: 'AQAB',
    d: 'DQq8KoEWbLNY0datjkYeRVjQp-u-lrNs8WMGbImspavuZxYr3cPaiVdhJ-d51HAgxhGM2jhxACGtcHvRpJs_tACwZZ3_lNDPFcnvE84bnsbXKDvkwO51Hodql8qyL18JULPrl-dVzd-UAaBkqDxXcqzHLv968ch8pEvCRl8LdQvQj1FMlXh8U7H7vnsE2MOWi5bywgWkfKe9k0zOgSXHG6MX9vY_8Eax8GV3QvcDvOdwY1OV5P2uaJOOxYCLUFBWrM4rD2VKH2sopVO_cb8AfgUmKYAY1z74XxkhO-Pf6k9naKdqeeEoeSAoYFqZxwqZE51VSwycRvV_JAhPFwoOew',
    p: '9E8pW6aLh4o1kCJPdmPiCRdL6wn-ooqxl2d1JGaBnn2Cj7PIM66oaZPByr-BcGpd0DKJedmtFCGSlX9Ou9l7Z74aOh50prxXP-nKGUMkvZkamIOQQEFDmjGhQpRt8AlpQTeijy8vOTYiRbAlYdcTbQZ-olWIBDT2E9Y2wGlC8kM',
    q: '4aC_ULdsyvQtpLLDD3kAZNpsOXHCga0BAzX73eM-KKMG2PyHfSwWbZg7G938KRRo4XkGQKmI0pHILLdlCZxc0eHacmpMm9lLdPlPDxN7EjWxGJQQ8VvYdDj9wrfYv-ddZ1FIblI1LliWVr59qRo9ovU7Lh8JerkNQsxaukDyU78',
    dp: '5JuSmsVcOQd2GZpRevn6EAGxs40VrelURtWzgs08qx7M5kUXqGzeAHUX2O2cZKHTiTdQ9yleUMEdljCbbyIR3MDBb_MBuufwSMkuqLbwkU3L2jz55XZsmMOqH1AfE4bq6_Dwd0Vyzfk-1rD-OfB0qAd0xdh9P1qDjYpcj22wDFs',
    dq: 'ovvIV1k4qF68feV3zDx_EVtKpDBN7fh368baOs2FQDuLncDFaqEnTmGSCS5QkaghnwYagyk0Ic-XBt4viUK_NgltEAtDba0IueXBu0U6OMw6MmP63S6YbFQi0r6VPwK1UQXBSZfuvJzXdK_D_Bxte8KjzkwzP8hfEOqnezWhFuc',
    qi: '2ztbydm74qUdefePwjZA_xRKaggBQynNS0FHorSd2lOyzmZnBBYVr7tSd77oaYCyEDGSUxC9lYnQv0WluoMWAqHOTdnuZVxPbRJIE_0qXAB37VsAfVoAo6Pi7hig3phQwykRIjkNs3CBReFko9exzKnsnnYxWTd84zfOGrOxk50',
  },
  {
    kty: 'RSA',
    n: '4a1J9vU4bkY7ItmtQ1Fp2EDWjbQ-vepN_Ey0TNE2Fqn0aqIwcDdY9n9nxjyueaypaQWvz4hUbH6ZpnqgIiWaZzdSMzY3-ZCy6m20-pilFS4a9v6dyEVXOsYeFLdJjq_3uJuaWmB2Q-oUkMHOorbiDKhHHGaxAxNkpwG0cqpJr5ydnkdojskT91a_Dsr9czzM-fulYB-XUHvNo4zh1Fyyh6gEuGKv2kzU14Ty3Lu0tk7BRdac4D5euC_WIEQq74_CuV95f1MsMRnViEaBS6lJEsRIujoMvYGW7SHtg3GDS5PoVMMoR7sQfs-2oI805WfqGxLTTZuM0rTfd-8VIkZOXw',
    e: 'AQAB',
    d: 'UcSJS57_AsmUjKSFKCJ78LxRYMeBgis-dV9PZpPY_q42nlpEpawQIkP4VDXRW8mpGiHS2SWCvUrDnjPJCIZKYwKC2IZZEqYQhWsZi0C6c6mgYITRo2ooWGXHKWddkgMFBRDwBLX1s9bA-9AU8BTGY6KnHU3B7iTdL7uo53D2wNcWdu-Q2a3uOWFI61uzfy4TzVVp4CTA87CCr7vs0ZiC1V2RflU_1vKg0FjLoo192xk1T1JAkCovoXPXrMGzq-CsAhmTk2tHv1sE8KMhsbmSgRl4SCgc5CpCRBU9NAOg_uaAhzK3l3YCxZvOgBbFJtg-nTavVXK2oo7YRtNlB3MHMQ',
    p: '9ZKTU7f-o-3XOh19roGEhxhRooI_kO53bGjfj3hCKRy6mTNYVoCsW4pyx3eIcXtc6O4keQlWcfW-Rpdf0flY0IIGEqceTh0wJ2PwVDK8AWHSr_F6at8rD2vIx2SFDrPVIhGAX4xGxKi0414SF9n2nXJ_f065cUPpcpqlvxme088',
    q: '60Jxj0KJ0UMZ0an5QYXuQOr1280ZNi-4A5U4UKf6Ccss_zyKgZUniQaAuS7iXlJoqdKAXuzzTQ3JbgVdf-miiUmL74ws1Xe7Kvkslb08sLqAWWP9lbGbJqwP_c10Ggxc-xqFstbq8aQr-gNbk5t-b8BGN3DVGBa6GhuQ_7ZMMHE',
    dp: 'v0rVftKGBlZgYMHWRFhZzw6PkOKa95_64TT0aQMJrpLVfD914bRMDubTMDQZ0iSBpGTVfn9aml0OQljqaFsu5wVSC7eosLql5xk_facjsoPsJegaLyP2nAWfGktgJqrJLMerU0KnYcv1VGPT_kZoiA9H5_iAFg4LzJ1Q3YLsqRs',
    dq: 'P--_0xJfSCr3Ul7iaedPN_9jMAhOiMZxOTANrQXp002PfhJjBhKWOww0YZ-XT9EPts-JqcK14MQVcTwuC_xf-vWs_T5YVO-EQ4qSjmNuog0doq2lFlC9fMYYVn7GxemEP44WteLo2SEn_nt5IOWKeC6GJr0YfMJ4c234ezZ9AFE',
    qi: 'mKuVEPjJP4lfykZsNoAAG3IHGge3LVXlUi0KKRpcibLsp5TT28cqlKE8aK83Z3SCy4IrdTA2N2P4tSdAmlEOy-Ldf4k41V2o6Rx3MEzN8ydLuyRiavxaDTlsWR1URZqq3twLmathHa4IuSIq9s86f2DFj4yuIG_zhvU-UCUWIno',
  },
  {
    kty: 'RSA',
    n: '2RaXVtmX-rCe3OP8rlKoW3FITmS04ZRVdta3XhuTkPkROcUcjFcTaPQGV6iJWCmO2oNhkx8uP7b0o2Aw0nWlxsmy5Ar-Nt94k89S_SATIuVaBnI92Qr8xsBZxRp5ZiEU7rGyaKvpq5yf7QaNa7HOm6YYEasSdjGRepkatwJkm7AdTi72ZWU50bqYfk199PJSdiGjje-r0gyu2IishsrackMHxcnsaUXYoUN1Be_tlLzsmMDYZClgdYMFK-MZ_GXEQNKC7Tcaf4pW8WMK8NH-LQKB8HP3siNOko-PXJDPMNZ72zKc2KTt4zVDCOQ7jtJoLpYYNU8uMPnJaNKub4TLrw',
    e: 'AQAB',
    d: 'DVzIn_3wzuuEO9CEwy4vUsGcU8b7I0-AGzqIOvCzmp7aIpYxdan-dd1fbpHfMmAMfQLNRMMMk7ttP4kyOCIpvBy6ODM9Bp-mymJel1ocE2_OpMrvZ6a3fHxmii1g_5pVsYOambrLPVb8uRhIKDLfptEIdj3zevb-H2_BJzasfrCxbgWQgsHBuGhAiVHhHKdxfUWH7l6Dqhi1elAJfHxTlhIiDhHSsH0UiZymaCHSNwd7WEJhqAOk0_DSwb0nPUTnnqharV-0LX2XwBW0tKduPfwVJaPrb2OHn4QPMNdA-EVJm1bnzGGNOs8ATQcO1NnDFHS-AK6Iac95J_hL-AWjkQ',
    p: '9_fI6n4FfYeiUEo8v2yGkbcDwKI2DGajPf-zJfmkpaBU2igAhR94JXngIRRYWkM0ucFX5dp2Zn0pznT3irfCCrsqVZunumbHriNS-RUf6etoRHaPu4bgU6CaRsdQqIp0E-2MLvwP131WsJTS2z2O8xiQ79BGGZxKCfOY3yqL5GU',
    q: '4B6-eg0NddZ4rqfrBXKuoZsBojKE0ka1PWENITwvd44sG5Sn-ZvPKGKVtuSBNx6n57h1ZBty9Gl1F5VKsD2mVWi4dxO5qyiDX7gDU9WYQduqCJFN5GIoQzlO2FPbpDSFEC-d2myt3KA9DtWVgpeKSKZXPyZt6cldsgojmjI2fIM',
    dp: 'Sg6Z1da_YwdAJcSWMgGCi0BigYSwqbF5rYmRgpT1ZHXnAaSSyy9j3aVxl8-Qt5x8wcGJs980H1XgR4XNbIOHE1dkxF6RkG0j09E-9Z8mgeFJqbDTKomUs8UyblMWts9q7YyzolCrlosbee9orgvLhrTejJDibsGrpx82l-gIEbU',
    dq: 'ud0FPhbBCO56Wu3q3DPFW0Q_UJHw0KnO-D4aM2vEObPwJFdeDoUGgYlwe6J4_osv192DjSeuZ79lWc93hz05Si90e1wiaC1K9gCW0dmbUVKoaj6GiFZW6ZkHKCQzTLQ5fbjfghsK_KLuv_Sk7w5ZofJA_KAUGwPh7hq2d9QYl50',
    qi: 'A4j1MBk6JZduLMsM-AA08G_LdbaGLtNvdnOWRi2qJDM_ZHsU9TVIDHt6d1lgAywWO29ID9ddP7V6q2pM6uG6wEhRMhQKpQ3ILjojH2mfjNQ6SOxEho1l84S0F69h_oYc2CJgpv4vXm8aGxxwLxq2M9qmuaNH8qqhp-Ru8hOUC2E',
  },
  {
    kty: 'RSA',
    n: 'ul24UiEzGwhaT5O_dRZtefEI7nAfRavHNaFQM9TX3FwRtCdbVeFMAv850rsWMdcy3FIIPLFF_fZeGN-1VmOKyWR61QAQyWIdHrFpHlqDcJvMupvvhGAcFaoIhW0zWrTRvPHunifHd9uBcdEncr3CaJS5a-tsBW6vHu3SwXUWLBdrpkO2CiaKjEA1kMIn18bF7M5xkI0NAKw8RJrWl4hF6JNI-42Xfkktjc27asbcg_mLWBTjCzsitTh-MComkIXdbNZgpBYng6nRB8t7xwEhx9qAhZh1ky4oAt2WrDp6osMS4pCvLH_-o2Ev2hCGNRETq7BnFUHo3wajlhf_jLwzgQ',
    e: 'AQAB',
    d: 'T3DjwR6lykAlPwab9i05PWGhjQH-UpSGtjWtGmsAGM6mPUUJifIflKd23n0hWN2CsKfHGxf13evG8JNrmQeVgYNzWJhOj4ljIFI_nNC4dqfy_Ri7YJIXZqS0PSvvWBr7zK7UKFaMkGrhIsMlLaP12t6Kq5YO1cH4pBZ8YDqo2OHnlC0bDWxCBpBRhDeJ4SetBbxH8k8GfA0WwYrk_UZex9EabfH_q9UfM9q-HSCOudIfKFKLRvpvSo-nAX57rRaEHpLD2Au10nXcQkteNeJVN7qlNSP87K6bhwbhoVA6exKTmE9UHkGVj0QFimtGs28cpRo74XqO8nm6m1rx2ni0gQ',
    p: '81AgIp39_C9fS9TBe84rV2DHkYfKsq884R0q8oxASK77S7b8umKqX6zybvzTXUJceaIiPIehmNR6PUMZ9tkqxhMT-Ub8TVQwfcc0yHRLjI4XolP8vGFit6V8uCTSQZ_pw8ryKKotMhJwNYQEEhPtfp_syRqt5KDWsYfZufXykI8',
    q: 'xBVvrd1IYLzkzDjXMh2uEcJ8C-MDhLyVAwwmhUCMDrCBGIxL07543_ohgwwFRrZQ5AQUx7WxFkt-KnuHRLk95xDTY77ms36KyOoDMf31HVgc69TcEi_t91nWYT1YuCypq10XOiRJhunaNSU3Zz0XHmQdC_vWuaPc1pdIagxH4u8',
    dp: 'vcnSRy5V31BUVSIvihLXW-DxymLRiW-HXVETHv6nZgqXmgeyOvCbVOXidRBhDm2lFHuTmQNy2XNjpkWhCxt6ceaPvfHQ-8Cf0nyAf5u3EnwDk2tPyOFtzzIWhsyx9N53yXGUUoPrnRMk05mWU0OYDR1R5cwZuCx9Sx1ch-GAw6E',
    dq: 'pAu_FDl2LSC7VjQTraTxFYCdYSB6uBlBnXwT2hWHV17Jkm0Fn0_SNqhAUy_CVkd_Y1Qawn46eomMMySHpbJInMER6Xgz8GVk3PQS2kc6Q2ONRqwdtcWNlAv_8_hr-iG7jVdjcEwdi5an7SCGuoN8jPt65aS7HzJ9Nrb4aWh-19c',
    qi: 'YWO3T-sz2PRoC1WkoxTnBzoifSpAHuQTETAPj9sOqkM5vOMmGBonwHHQFqK17Z82HNhfUXdgTxrFyhRsAYlSRVfSrL2EOD9qLERe1EIk4AzPYysdVxTyuZk7QWhHWeGapO1V2ZuwoE9lp6yZBvYeE5HmlZXBuH1WSEWB8cVY0M0',
  },
  {
    kty: 'RSA',
    n: 'q4DBT9WNFe2M2L8vG-QdbvVgD-dhz6MXKZmn0JNgJIlVgL9sr1lzMF9M60dUGwDhYkUSeGLGfcumRjUbKDFNG0trmfN5vuey-izZUI1Pk_OVuVkx4xxgFkQZFZ82M1xU0iVkiitfOSI0daYrojwvu60GHnWimXnZODkqQycIlHv7SOCtGEk3zNk-Ojsg9AahOjJ5eT5pJcceqLaem9BiU59rhqjWTbkYXu4TVaEjt3hQ1v4fCQyu8Q7BzialyADC1xf6-K8yWTpF4RJLLDD0g64h9ifIoOmKSb0SzOv8lhlGbOZWtuxb7tQ4r9-_pbLB27gI4xQhz6Bt-E3kxL7DQw',
    e: 'AQAB',
    d: 'EFis1DWoBWOHba9HR7LF5WoI1ms45OgIEKR_HL-3RbQ7TJKyQsJVWtJyi-hYCVzbnpizynqrrZjIB-AO7xVH4qadImbU_0-pPPQiYG2fnJv2dNyeByYQuH6UH3311g5iXUdIHm1E3ba3ZlFIzmVLLWmv8B5JObSl8hhswUrKpBBHLLH_p0irNa1ovEeEpplMrq9DuKYnLQUKlDcGHJ-rDcyElJXpwWL0OUwY4_GxrhZLdPhfh_rPWBA3HWrjldGoDivakgM9vCQQXMAywUi304GWQTJnMmr1rXlsFlBw9jpLrDhYXdLv6FgiRAL_7c3NqfNVyDlivvrIE5dyVuQ_VQ',
    p: '19tPqxfRJL8lp9lX1iSeJDF_McYEvw2UCGcm6Y65QHA_JooFtKObiw1GFAIOa7SdQ03bF18BjN3U4ZE_nxPhVO_WqpUJH6nybpf9xMkITeXCseeJxdOTc_BFlsqsSIsdyHRAo5KO0V0SEkCw08fQtfrxdt2UZdwsnGCOW_GI118',
    q: 'y2XQRW19sHmvzNEMPK_P9XaJa3tUZHpYRmFMZluaKwdbLAtkMC5BogvJov18JxA81h2qf8AUDdru_iZnE8oErC8aGprHTM2oQNL8PghctxU0QPTAIjPOxzbPwlipBKZBmPU5ddMasEhbMkr8BeDivpLjOnq-irHrZ5h25SASEp0',
    dp: 'NlUNiJNGIWm7oLQkV9J_u7x5t52QNEbGrBbKxJ8YIhAe1SSIqx9DV4zPxtl9p76elwJR02Amk76ChwR4byIh5a846Vb6JO4yB4Raa93uKS1cBEuzcgf_ZX9lBL-e_eOGa55XZtTM_gXfNpjx6VyyPBweCz1azQjOcc4cByiUuSE',
    dq: 'RIkrE6ngN03Zmfc621wWg8yMY4YsGqtLAXQZrUfie-s_omi4Oq_rd7HnIJ-vbO5AwZk_cUqEt2J1M3g3NWjWCDra3eoXi96keitdyX1B2IMxl02hTCUO4PusJ_19_k4TPnorAXO_w3SuHhU8NLLhVHvkSzk-6TcobkDmlzAmRtU',
    qi: '1h7uZlc0iYc5AJSBB4DMOBCfFaiPZdjhBTzy416QqHAv9DM9bOdKs3o0W8-W_pZb48O-Y2k-qzBmESa8v_ZXZJ-ANGkP6Z9P6WjINyO6DoPm9wn0Rt7S8H9SEHvSdqfrsbuJ6QY52nweQmABRJFauDU4u5dB5Hjud28yf5A4nwk',
  },
  {
    kty: 'RSA',
    n: '3gKmWdq8tSImPOITCu8vFBxim9GjEIt--6U1Gno-jLQpMj9MZbWbhz9l1OSLYqqKISwI4p-jj9kMxGEbCL2jwyESAGFaApcEa5JXGWrKZvXzRLn8klz5mi7uZrWNsgNzmq973rjX9UNUtVa3HU_IekG1tD-mU7y5CZANeKhiaPeUkUO1Tm25HbfI93oJ-pq5mPLADcwlp3ySyBq7XxZyXmeob9vlibVkUyJ9atqD115Hn4MroHPXapCE01G3Ic7bCD5zCQcyVPyOfJbjwshLNslO1IgHBJOZus6GBrAIaZx7wj-R-e_pzo4GAtSMizU7zUNxWuANYEwUzoFNF_oNIQ',
    e: 'AQAB',
    d: 'FDqSlMJhCnIboNWKnabwl7kEZSVDYekL_3rsrUZxN5nc3Ra2a9gR3U9yBGV0q99VKbOc9aVNHnjM-IHOmEvLRabYQI-eR3kiLnkNlaPM4HfNnDgEIwP0vE9FardlO1CkMnaF52PZTaA-ci1-Dt4rqrQdDdj021FpXM0y5QkWunCVMbEv2vnTfq4RNtwL5QOZL33euK3eNLvRMCtxPYzmRJJKP448IbigVpcartiPvHG8ED9E--G6JCRKS5sAu52AnmDTtUQAsg-xA8uF5TcJJlE50U4zaOK2Sm7ujsCiHGR4b6ReCeXbiEEfL3McGd4wBDpgvsJKQuWALlztyjraqQ',
    p: '9jrImhPw6sNRmthRtIshZzd3l_NY6JOBxKxXt-ArkBSVoHzI7SQfYVz9IugAQMO-d5_1rkGw6QJoaY4joSLw9uqH95Fh9BgAFH6-wgluL1vyjplg2YR57Xb434MnJ67PjcUMDgUyIjFoJRVXEp2JtZgChhldoE3YAsasTTDpabU',
    q: '5tHYY91-erEEE3WjH_PAIo4bT5svkp8SR6rxZzZf_fDiLfBwNIY4fMokWxePJlT1uWgI50ZWd-tByd0vcXnJigH_319krp62xCLnbaMa8foTQa01bEJBMRelrdC256xvetAspgFOiMhayH0SUd33lMQflqU-54tmlZr6yIHiiT0',
    dp: 'jWvb1asIXz4Je78sxl52s_rGpK5u7T3zdYtq4kBNpPY9riydlp59q4UmGstXgdsrZTepewld26a3Y5Dw49bWwWqY51dIBFNYkGzvkTCraWYNHVv4pVYSVZJUhMOmVINx0EJRlyfi0ILCBzKHjTiQZI1HPdAJ101-eLG1OqySE1U',
    dq: 'spBsovVbP3dp-9Pp2nIrlY_yOOeJKhi9f4wTLRG3uTB9CaUUaM3dLU0ESyQyrijT4BdHrAOSKTtqrcvbRCI_c_CQDjIyJZTLN3j5KKwh0EjyVMC2r4WiAWSV2523ogqYQ56Aq_we0VqOQMPhREw_mGsRNO2peF8zgVFf6XXx1tE',
    qi: 'eucxw09jwij_l97d4i2fHmga1wBFk-XSdGoTDQIAe1jjCgSUSApDQtP3n8XmDuemmSxVwfCqMlqAqy9VleCPZf3S8qzL4qc5ytJTFc_RZf4UvQsv4VQwA86NCgeyegyupAOOwr83YsSVFiMbjI6gS1JCu1u3vnLhViCCSw5fAC4',
  },
];

const PUBLIC_MEMBERS = ['kty', 'n', 'e'] as const;

let next = 0;

/**
 * The next test key as a private JWK, cycling through the set: none whose modulus is one of `avoid`, so
 * a test that needs another key than those it holds gets one.
 */
function testRsaPrivateJwk(avoid: readonly JWK[] = []): JWK {
  for (let tried = 0; tried < TEST_RSA_PRIVATE_JWKS.length; tried++) {
    const jwk = TEST_RSA_PRIVATE_JWKS[next++ % TEST_RSA_PRIVATE_JWKS.length] as JWK;
    if (!avoid.some((other) => other.n === jwk.n)) return { ...jwk };
  }
  throw new Error('every test RSA key is taken: add one to test/support/test-rsa-keys.ts');
}

/** A JWK's public half. */
function publicHalf(jwk: JWK): JWK {
  return Object.fromEntries(PUBLIC_MEMBERS.map((member) => [member, jwk[member]]));
}

/** The next test key as an RS256 key pair (as jose's generateKeyPair gives it), with its JWKs. */
export async function testRsaKeyPair(avoid: readonly JWK[] = []): Promise<{
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  privateJwk: JWK;
  publicJwk: JWK;
}> {
  const privateJwk = testRsaPrivateJwk(avoid);
  const publicJwk = publicHalf(privateJwk);
  const [privateKey, publicKey] = await Promise.all([
    importJWK(privateJwk, 'RS256', { extractable: true }) as Promise<CryptoKey>,
    importJWK(publicJwk, 'RS256', { extractable: true }) as Promise<CryptoKey>,
  ]);
  return { privateKey, publicKey, privateJwk, publicJwk };
}
